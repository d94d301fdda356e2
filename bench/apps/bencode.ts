// Bencode (BitTorrent BEP 3), the dictionary format of rtpengine's ng control protocol: integers i42e, byte strings
// 4:spam, lists l...e, dictionaries d...e with keys sorted. Written here rather than taken from npm: the bench needs
// 70 lines of it, and `bencode` (webtorrent, 4.x) would be a dependency for a benchmark only.

/** What the ng protocol carries. Byte strings decode to JS strings (UTF-8: SDP, tags and words; no binary blobs). */
export type BValue = string | number | Buffer | readonly BValue[] | { readonly [key: string]: BValue | undefined };

export function encode(value: BValue): Buffer {
  const parts: Buffer[] = [];
  write(value, parts);
  return Buffer.concat(parts);
}

function write(value: BValue, out: Buffer[]): void {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`bencode: ${value} is not an integer`);
    out.push(Buffer.from(`i${value}e`, 'latin1'));
  } else if (typeof value === 'string' || Buffer.isBuffer(value)) {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    out.push(Buffer.from(`${bytes.length}:`, 'latin1'), bytes);
  } else if (Array.isArray(value)) {
    out.push(Buffer.from('l', 'latin1'));
    for (const item of value as readonly BValue[]) write(item, out);
    out.push(Buffer.from('e', 'latin1'));
  } else {
    const dict = value as { readonly [key: string]: BValue | undefined };
    out.push(Buffer.from('d', 'latin1'));
    // Keys sorted as raw byte strings (BEP 3); undefined values are left out, so optional fields read naturally.
    for (const key of Object.keys(dict).sort()) {
      const item = dict[key];
      if (item === undefined) continue;
      write(key, out);
      write(item, out);
    }
    out.push(Buffer.from('e', 'latin1'));
  }
}

/** Decodes one value from the start of `data`; throws on malformed input or trailing bytes. */
export function decode(data: Buffer): BValue {
  const [value, end] = read(data, 0);
  if (end !== data.length) throw new Error(`bencode: ${data.length - end} trailing bytes`);
  return value;
}

function read(data: Buffer, at: number): [BValue, number] {
  const head = data[at];
  if (head === undefined) throw new Error('bencode: unexpected end');
  if (head === 0x69 /* i */) {
    const end = data.indexOf(0x65 /* e */, at);
    if (end < 0) throw new Error('bencode: unterminated integer');
    const text = data.toString('latin1', at + 1, end);
    if (!/^-?\d+$/.test(text)) throw new Error(`bencode: bad integer ${text}`);
    return [Number(text), end + 1];
  }
  if (head === 0x6c /* l */) {
    const items: BValue[] = [];
    let next = at + 1;
    while (data[next] !== 0x65) {
      const [item, after] = read(data, next);
      items.push(item);
      next = after;
    }
    return [items, next + 1];
  }
  if (head === 0x64 /* d */) {
    const dict: Record<string, BValue> = {};
    let next = at + 1;
    while (data[next] !== 0x65) {
      const [key, afterKey] = read(data, next);
      if (typeof key !== 'string') throw new Error('bencode: dictionary key is not a string');
      const [item, afterValue] = read(data, afterKey);
      dict[key] = item;
      next = afterValue;
    }
    return [dict, next + 1];
  }
  const colon = data.indexOf(0x3a /* : */, at);
  if (colon < 0) throw new Error('bencode: bad string length');
  const length = Number(data.toString('latin1', at, colon));
  if (!Number.isInteger(length) || length < 0 || colon + 1 + length > data.length) throw new Error('bencode: bad string length');
  // ng strings are SDP and ASCII words; utf8 keeps SDP text readable (session names may be UTF-8).
  return [data.toString('utf8', colon + 1, colon + 1 + length), colon + 1 + length];
}
