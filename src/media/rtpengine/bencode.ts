// Bencode (the BitTorrent encoding), the body format of rtpengine's ng control protocol: integers `i42e`,
// byte strings `4:spam`, lists `l...e`, dictionaries `d...e` with keys sorted as raw bytes.
// Strings are decoded as UTF-8 text: every value the ng protocol carries (SDP, tags, flags) is text.

export type BencodeValue = string | number | readonly BencodeValue[] | { readonly [key: string]: BencodeValue };

/** Nesting deeper than this is refused when decoding: ng answers are a few levels deep, a hostile one could recurse. */
const MAX_DEPTH = 32;

export function bencode(value: BencodeValue): Buffer {
  const parts: Buffer[] = [];
  encodeInto(value, parts);
  return Buffer.concat(parts);
}

function encodeInto(value: BencodeValue, parts: Buffer[]): void {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    parts.push(Buffer.from(`${bytes.length}:`, 'latin1'), bytes);
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`bencode: ${value} is not an integer`);
    parts.push(Buffer.from(`i${value}e`, 'latin1'));
  } else if (Array.isArray(value)) {
    parts.push(Buffer.from('l', 'latin1'));
    for (const item of value as readonly BencodeValue[]) encodeInto(item, parts);
    parts.push(Buffer.from('e', 'latin1'));
  } else {
    const dict = value as { readonly [key: string]: BencodeValue };
    // Keys MUST be sorted as raw strings (byte order), which rtpengine does not require but the format does.
    const keys = Object.keys(dict).sort((x, y) => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')));
    parts.push(Buffer.from('d', 'latin1'));
    for (const key of keys) {
      const item = dict[key];
      if (item === undefined) continue;
      encodeInto(key, parts);
      encodeInto(item, parts);
    }
    parts.push(Buffer.from('e', 'latin1'));
  }
}

export class BencodeError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`bencode: ${message} at byte ${offset}`);
  }
}

/** Decodes one value that must fill `data` exactly; throws BencodeError on anything malformed. */
export function bdecode(data: Buffer): BencodeValue {
  const reader = { data, at: 0 };
  const value = decodeAt(reader, 0);
  if (reader.at !== data.length) throw new BencodeError('trailing bytes', reader.at);
  return value;
}

interface Reader {
  readonly data: Buffer;
  at: number;
}

function decodeAt(reader: Reader, depth: number): BencodeValue {
  if (depth > MAX_DEPTH) throw new BencodeError('nested too deep', reader.at);
  const { data } = reader;
  const lead = data[reader.at];
  if (lead === undefined) throw new BencodeError('unexpected end', reader.at);
  if (lead === 0x69 /* i */) {
    const end = data.indexOf(0x65 /* e */, reader.at + 1);
    const text = end < 0 ? '' : data.toString('latin1', reader.at + 1, end);
    if (!/^(0|-?[1-9][0-9]{0,15})$/.test(text)) throw new BencodeError('bad integer', reader.at);
    reader.at = end + 1;
    return Number(text);
  }
  if (lead === 0x6c /* l */) {
    reader.at++;
    const list: BencodeValue[] = [];
    while (data[reader.at] !== 0x65) {
      if (reader.at >= data.length) throw new BencodeError('unterminated list', reader.at);
      list.push(decodeAt(reader, depth + 1));
    }
    reader.at++;
    return list;
  }
  if (lead === 0x64 /* d */) {
    reader.at++;
    const dict: Record<string, BencodeValue> = Object.create(null) as Record<string, BencodeValue>;
    while (data[reader.at] !== 0x65) {
      if (reader.at >= data.length) throw new BencodeError('unterminated dictionary', reader.at);
      const key = decodeAt(reader, depth + 1);
      if (typeof key !== 'string') throw new BencodeError('dictionary key is not a string', reader.at);
      dict[key] = decodeAt(reader, depth + 1);
    }
    reader.at++;
    return dict;
  }
  if (lead >= 0x30 && lead <= 0x39) {
    const colon = data.indexOf(0x3a /* : */, reader.at);
    const text = colon < 0 ? '' : data.toString('latin1', reader.at, colon);
    if (!/^(0|[1-9][0-9]{0,9})$/.test(text)) throw new BencodeError('bad string length', reader.at);
    const start = colon + 1;
    const end = start + Number(text);
    if (end > data.length) throw new BencodeError('string runs past the end', reader.at);
    reader.at = end;
    return data.toString('utf8', start, end);
  }
  throw new BencodeError(`unexpected byte 0x${lead.toString(16)}`, reader.at);
}
