// The Replaces header (RFC 3891 §6.1) as a phone puts it in a REFER's Refer-To URI for an attended transfer:
// `callid;to-tag=...;from-tag=...[;early-only]`, already unescaped from the URI's `?Replaces=` header.
import { err, ok, type Result } from '../../shared/index.ts';

export interface ReplacesTarget {
  readonly callId: string;
  readonly toTag: string;
  readonly fromTag: string;
  /** RFC 3891 §3: replace the dialog only while it is early. */
  readonly earlyOnly: boolean;
}

// RFC 3261 §25.1 word characters: what a Call-ID (word ["@" word]) and a tag (token) may hold.
const CALL_ID = /^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+(@[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+)?$/;
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** The dialog a Replaces value names, or why it cannot be used (the REFER then gets 400 with that reason). */
export function parseReplaces(value: string): Result<ReplacesTarget, string> {
  const [rawCallId = '', ...rawParams] = value.split(';');
  const callId = rawCallId.trim();
  if (callId === '') return err('Replaces has no Call-ID');
  if (!CALL_ID.test(callId)) return err('Replaces has a malformed Call-ID');
  const params = new Map<string, string | undefined>();
  for (const raw of rawParams) {
    const [name = '', paramValue] = raw.split('=', 2).map((s) => s.trim());
    if (name === '') return err('Replaces has an empty parameter');
    const key = name.toLowerCase();
    if (params.has(key)) return err(`Replaces repeats ${key}`);
    params.set(key, paramValue);
  }
  const toTag = params.get('to-tag');
  const fromTag = params.get('from-tag');
  // §6.1: "to-tag" and "from-tag" are mandatory parameters of the header.
  if (toTag === undefined || toTag === '') return err('Replaces has no to-tag');
  if (fromTag === undefined || fromTag === '') return err('Replaces has no from-tag');
  if (!TOKEN.test(toTag) || !TOKEN.test(fromTag)) return err('Replaces has a malformed tag');
  return ok({ callId, toTag, fromTag, earlyOnly: params.has('early-only') });
}

/** The Replaces value of a Refer-To URI's headers (the name is case-insensitive, §7.3.1), if it has one. */
export function replacesOf(uriHeaders: ReadonlyMap<string, string>): string | undefined {
  for (const [name, value] of uriHeaders) if (name.toLowerCase() === 'replaces') return value;
  return undefined;
}
