// Reads the header fields a dialog is built from (RFC 3261 §12.1.1, §12.1.2): the parties of To and
// From without their tag, the Contact URI, the Record-Route set and the CSeq. Malformed input is a value.
import { err, ok, type Result } from '../../shared/index.ts';
import { parseCSeq, parseNameAddr, parseUri, serializeNameAddr, type CSeq, type SipMessage } from '../message/index.ts';

/** A To or From value split into the party (name-addr text, tag removed) and its tag ('' when none). */
export interface Party {
  readonly nameAddr: string;
  readonly tag: string;
}

export function readParty(message: SipMessage, header: 'to' | 'from'): Result<Party, string> {
  const value = message.headers.get(header);
  if (value === undefined) return err(`missing ${header === 'to' ? 'To' : 'From'}`);
  const parsed = parseNameAddr(value);
  if (!parsed.ok) return err(`unparseable ${header === 'to' ? 'To' : 'From'}: ${parsed.error}`);
  const params = new Map(parsed.value.params);
  const tag = params.get('tag');
  params.delete('tag');
  // The dialog keeps the URI with its display name and other parameters; the tag lives in the dialog ID.
  return ok({ nameAddr: serializeNameAddr({ ...parsed.value, params }), tag: tag === null || tag === undefined ? '' : tag });
}

export function readCallId(message: SipMessage): Result<string, string> {
  const callId = message.headers.get('call-id')?.trim();
  return callId === undefined || callId === '' ? err('missing Call-ID') : ok(callId);
}

export function readCSeq(message: SipMessage): Result<CSeq, string> {
  const value = message.headers.get('cseq');
  return value === undefined ? err('missing CSeq') : parseCSeq(value);
}

/**
 * The URI of the Contact header, or undefined when there is none. §8.1.1.8: the Contact "MUST contain exactly
 * one SIP or SIPS URI", so a list, `*` or another scheme is an error (it could not be a remote target).
 */
export function readContactUri(message: SipMessage): Result<string | undefined, string> {
  const contacts = message.headers.getAll('contact');
  if (contacts.length === 0) return ok(undefined);
  const [contact] = contacts;
  if (contacts.length > 1 || contact === undefined) return err('more than one Contact');
  const parsed = parseNameAddr(contact);
  if (!parsed.ok) return err(`unparseable Contact: ${parsed.error}`);
  const uri = parseUri(parsed.value.uri);
  if (!uri.ok || uri.value.scheme === 'tel') return err(`Contact is not a SIP or SIPS URI: ${parsed.value.uri.slice(0, 80)}`);
  return ok(parsed.value.uri);
}

/** The Contact URI, required: a request or response that creates a dialog must name the remote target. */
export function requireContactUri(message: SipMessage): Result<string, string> {
  const uri = readContactUri(message);
  if (!uri.ok) return uri;
  return uri.value === undefined ? err('missing Contact') : ok(uri.value);
}

/** Every Record-Route value in message order, each checked to hold a SIP or SIPS URI (they become Route values). */
export function readRecordRoute(message: SipMessage): Result<string[], string> {
  const values = message.headers.getAll('record-route');
  for (const value of values) {
    const parsed = parseNameAddr(value);
    const uri = parsed.ok ? parseUri(parsed.value.uri) : undefined;
    if (uri === undefined || !uri.ok || uri.value.scheme === 'tel') return err(`unparseable Record-Route: ${value.slice(0, 80)}`);
  }
  return ok(values);
}

/** The URI inside a Route value (`<sip:p.example.com;lr>` gives `sip:p.example.com;lr`); undefined if malformed. */
export function routeUri(route: string): string | undefined {
  const parsed = parseNameAddr(route);
  return parsed.ok ? parsed.value.uri : undefined;
}
