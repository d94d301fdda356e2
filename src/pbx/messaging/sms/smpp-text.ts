// An SMS text as SMPP 3.4 submit_sm parts (3GPP TS 23.038 / 23.040): GSM 7-bit default alphabet (data_coding 0,
// one septet per octet, unpacked, as SMPP carries it; extension characters are ESC + code and never split across
// parts) when every character has a septet, else UCS-2 big-endian (data_coding 8; surrogate pairs never split).
// A long text is cut into 153-septet / 67-unit parts joined either by a UDH (IEI 0x00, 8-bit reference) in the
// short_message with esm_class UDHI, or by the SAR TLVs (the SMSC builds the UDH itself).
import { GSM_BASIC, GSM_EXTENSION_CODES } from './sms-text.ts';

export type ConcatMode = 'udh' | 'sar';

export interface SmppPart {
  readonly dataCoding: 0 | 8;
  /** What goes in short_message: the UDH (when mode udh and several parts) then the encoded text. */
  readonly shortMessage: Buffer;
  /** 0x40 (UDHI) when shortMessage starts with a UDH. */
  readonly esmClass: number;
  readonly sar?: { readonly ref: number; readonly total: number; readonly seq: number };
}

const SEPTET = new Map([...GSM_BASIC].map((char, code) => [char, code] as const));
const ESC = 0x1b;

/** The text as GSM septet groups (a basic char = 1 septet, an extension char = ESC + code), or undefined when a character has none. */
function gsmUnits(text: string): number[][] | undefined {
  const units: number[][] = [];
  for (const char of text) {
    const basic = SEPTET.get(char);
    if (basic !== undefined && basic !== ESC) units.push([basic]);
    else if (GSM_EXTENSION_CODES[char] !== undefined) units.push([ESC, GSM_EXTENSION_CODES[char]]);
    else return undefined;
  }
  return units;
}

/** UTF-16 code units grouped by character, so a surrogate pair stays in one part. */
function ucs2Units(text: string): number[][] {
  return [...text].map((char) => Array.from({ length: char.length }, (_, i) => char.charCodeAt(i)));
}

/** Cuts the unit groups into parts of at most `size` units, never splitting a group. */
function cut(groups: number[][], size: number): number[][] {
  const parts: number[][] = [];
  let current: number[] = [];
  for (const group of groups) {
    if (current.length + group.length > size) {
      parts.push(current);
      current = [];
    }
    current.push(...group);
  }
  parts.push(current);
  return parts;
}

const ucs2Bytes = (units: number[]): Buffer => {
  const buffer = Buffer.alloc(units.length * 2);
  units.forEach((unit, i) => buffer.writeUInt16BE(unit, i * 2));
  return buffer;
};

/** The submit_sm parts of a text; `ref` (0..255 for UDH, 0..65535 for SAR) ties the parts of one message together. */
export function smppParts(text: string, mode: ConcatMode, ref: number): SmppPart[] {
  const gsm = gsmUnits(text);
  const septets = gsm?.reduce((n, g) => n + g.length, 0) ?? 0;
  const [dataCoding, groups, single, each] = gsm !== undefined ? ([0, gsm, 160, 153] as const) : ([8, ucs2Units(text), 70, 67] as const);
  const size = gsm !== undefined ? septets : text.length;
  const encode = (units: number[]) => (dataCoding === 0 ? Buffer.from(units) : ucs2Bytes(units));
  if (size <= single) return [{ dataCoding, shortMessage: encode(groups.flat()), esmClass: 0 }];
  const chunks = cut(groups, each);
  const total = chunks.length;
  return chunks.map((units, i) => {
    const seq = i + 1;
    if (mode === 'sar') return { dataCoding, shortMessage: encode(units), esmClass: 0, sar: { ref: ref & 0xffff, total, seq } };
    const udh = Buffer.from([0x05, 0x00, 0x03, ref & 0xff, total, seq]);
    return { dataCoding, shortMessage: Buffer.concat([udh, encode(units)]), esmClass: 0x40 };
  });
}
