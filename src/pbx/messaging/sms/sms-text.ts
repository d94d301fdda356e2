// How many SMS parts a text takes (3GPP TS 23.038 / 23.040): GSM 7-bit when every character is in the default
// alphabet or its extension table (whose characters take two septets), else UCS-2. A single SMS holds 160 septets or
// 70 UCS-2 units; a concatenated one loses 6 octets to its UDH, leaving 153 septets or 67 units per part.

/** The GSM 7-bit default alphabet in code order: a character's index is its septet. */
export const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** The extension table's characters, each sent as ESC (0x1B) then its code in GSM_EXTENSION_CODES. */
export const GSM_EXTENSION = '^{}\\[~]|€\f';
export const GSM_EXTENSION_CODES: Readonly<Record<string, number>> = { '^': 0x14, '{': 0x28, '}': 0x29, '\\': 0x2f, '[': 0x3c, '~': 0x3d, ']': 0x3e, '|': 0x40, '€': 0x65, '\f': 0x0a };
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENSION);

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsLength {
  readonly encoding: SmsEncoding;
  /** Septets (GSM 7-bit) or UTF-16 code units (UCS-2). */
  readonly units: number;
  readonly parts: number;
}

/** The encoding, length and number of parts of a text. An empty text is one (empty) part. */
export function measureSms(text: string): SmsLength {
  let septets = 0;
  for (const char of text) {
    if (BASIC.has(char)) septets += 1;
    else if (EXTENDED.has(char)) septets += 2;
    else return ucs2(text);
  }
  return { encoding: 'gsm7', units: septets, parts: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}

function ucs2(text: string): SmsLength {
  // UTF-16 code units: a character outside the BMP (an emoji) takes two, as UCS-2 phones count it.
  const units = text.length;
  return { encoding: 'ucs2', units, parts: units <= 70 ? 1 : Math.ceil(units / 67) };
}
