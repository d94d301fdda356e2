// The number a caller keys in for SETUNCONDITIONALDID: what is accepted as a DID's new forward. Keys only (a phone
// sends 0-9 * # and A-D), so the number is digits; `#` ends it and is not part of it. Pure.

/** At most this many digits: a caller id / dialable number is 1-32 digits (dialplan DIALABLE). */
export const MAX_FORWARD_DIGITS = 32;

export type ForwardNumberCheck = { readonly ok: true; readonly number: string } | { readonly ok: false; readonly why: string };

/** `keys` as read (without the closing `#`): a number to forward to, or why it is not one. */
export function checkForwardNumber(keys: string): ForwardNumberCheck {
  if (keys === '') return { ok: false, why: 'no number was keyed in' };
  if (keys.length > MAX_FORWARD_DIGITS) return { ok: false, why: `more than ${MAX_FORWARD_DIGITS} digits` };
  if (!/^[0-9]+$/.test(keys)) return { ok: false, why: 'only digits make a number (* and letters do not)' };
  return { ok: true, number: keys };
}
