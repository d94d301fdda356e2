// Keys a caller types to the PBX (a PIN, a number, a menu choice): a prompt cut short by the first key, a wait for
// that key, then keys until the terminator, the inter-digit timeout or the most digits. DISA, SETUNCONDITIONALDID and
// IVR read their keys here, so each waits and ends an entry the same way.
import type { PbxMedia, PlayItem } from './pbx-media.ts';

export interface KeypadOptions {
  /** Played first, cut short by a key in `stopKeys`; empty = the wait for the first key starts at once. */
  readonly prompt: readonly PlayItem[];
  readonly stopKeys: string;
  /** How long the first key is waited for once the prompt has played. */
  readonly firstDigitMs: number;
  /**
   * The prompt ends in a tone that is itself the wait for the first key (held `firstDigitMs`): played through, nobody
   * typed, and there is no second wait. A prompt that could not play still gets the wait.
   */
  readonly promptIsWait?: boolean;
  /** How long after a key the next may come before the entry is taken as complete. */
  readonly interDigitMs: number;
  /** The most keys read; a function of the first key when that decides (a menu key, or the start of a number). */
  readonly maxDigits: number | ((first: string) => number);
  /** The key that ends the entry; it is not part of it. */
  readonly terminator: string;
  /** The terminator as the very first key: an empty entry ('empty', the default), or the entry itself ('key': a menu's # choice). */
  readonly leadingTerminator?: 'empty' | 'key';
}

/** The keys typed ('' = none, the wait ran out), or undefined when the caller hung up. */
export async function collectKeys(call: { readonly over: boolean }, media: PbxMedia, options: KeypadOptions): Promise<string | undefined> {
  const played = options.prompt.length === 0 ? undefined : await media.play(options.prompt, { stopOnDigits: options.stopKeys });
  if (played?.reason === 'hangup' || call.over) return undefined;
  let first: string | undefined;
  if (played?.reason === 'digit') first = played.digit;
  else if (played?.reason !== 'finished' || options.promptIsWait !== true) first = await media.nextDigit(options.firstDigitMs);
  if (call.over) return undefined;
  if (first === undefined || (first === options.terminator && options.leadingTerminator !== 'key')) return '';
  const maxDigits = typeof options.maxDigits === 'number' ? options.maxDigits : options.maxDigits(first);
  let keys = first;
  while (keys.length < maxDigits) {
    const next = await media.nextDigit(options.interDigitMs);
    if (next === undefined || next === options.terminator) break;
    keys += next;
  }
  return call.over ? undefined : keys;
}

/** Defaults for a keypad step's empty or unusable columns, and bounds so that no tenant's values hold a caller (and a channel) for long. */
export interface KeypadColumnRules {
  readonly firstDigitSeconds: number;
  readonly digitSeconds: number;
  /** Tries (a DISA's PIN) or rounds (a menu). */
  readonly tries: number;
  readonly maxWaitSeconds: number;
  readonly maxTries: number;
}

export interface KeypadColumns {
  readonly firstDigitSeconds: number;
  readonly digitSeconds: number;
  readonly tries: number;
}

/** A keypad step's waits (positive seconds, whole, bounded) and tries (a positive whole number, bounded) as a row gives them. */
export function keypadColumns(values: { readonly firstDigit: unknown; readonly digit: unknown; readonly tries: unknown }, rules: KeypadColumnRules): KeypadColumns {
  const seconds = (value: unknown, fallback: number) => {
    const n = Number(value);
    return Number.isFinite(n) && n > 0 ? Math.min(Math.trunc(n), rules.maxWaitSeconds) : fallback;
  };
  const tries = Number(values.tries);
  return {
    firstDigitSeconds: seconds(values.firstDigit, rules.firstDigitSeconds),
    digitSeconds: seconds(values.digit, rules.digitSeconds),
    tries: Number.isInteger(tries) && tries > 0 ? Math.min(tries, rules.maxTries) : rules.tries,
  };
}
