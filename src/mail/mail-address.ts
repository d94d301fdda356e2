// E-mail addresses as Callgrid takes them: plain ASCII `local@domain` (RFC 5321 §4.1.2 dot-atom local part, RFC 1035
// host labels), and a sender as `Name <local@domain>`. Stricter than RFC 5322 on purpose: no quoted local parts, no
// comments, no group syntax, no control characters, so an address taken from a tenant's row can never add a header or
// a recipient of its own. Pure: no network.
import { err, ok, type Result } from '../shared/index.ts';

/** RFC 5321 §4.5.3.1: local part 64 octets, domain 255, path 256. */
const MAX_LOCAL = 64;
const MAX_DOMAIN = 255;
const MAX_ADDRESS = 254;
/** atext of RFC 5322 §3.2.3, dots only between atoms. */
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** A display name: printable, without the characters that end or quote it. */
const DISPLAY_NAME = /^[^<>"\\\u0000-\u001f\u007f]{1,64}$/;

/** One mailbox: the address on the envelope and in the header, and an optional display name. */
export interface Mailbox {
  readonly address: string;
  readonly name?: string;
}

/** Why `text` is not one address, or undefined when it is. */
export function addressProblem(text: string): string | undefined {
  if (text.length > MAX_ADDRESS) return `is longer than ${MAX_ADDRESS} characters`;
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return 'is not an e-mail address (expected name@domain)';
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  if (local.length > MAX_LOCAL || !LOCAL.test(local)) return 'has a local part that is not plain (letters, digits, . and !#$%&\'*+/=?^_`{|}~- only)';
  if (domain.length > MAX_DOMAIN || !domain.split('.').every((label) => LABEL.test(label))) return 'has a domain that is not a host name';
  return undefined;
}

/** A list of addresses separated by commas (di_smsemail): each checked, duplicates dropped, at most `max`. */
export function parseAddressList(text: string, max = 10): Result<string[]> {
  const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (items.length === 0) return err('no e-mail address given');
  // Keyed ignoring case: the same mailbox twice gets one copy (the first spelling is kept).
  const byKey = new Map<string, string>();
  for (const item of items) {
    const problem = addressProblem(item);
    // The text shown is cut and stripped of control characters: it goes into an error column and a log.
    if (problem !== undefined) return err(`'${printable(item)}' ${problem}`);
    if (!byKey.has(item.toLowerCase())) byKey.set(item.toLowerCase(), item);
  }
  const unique = [...byKey.values()];
  if (unique.length > max) return err(`${unique.length} addresses, over the limit of ${max}`);
  return ok(unique);
}

/** A sender as `Name <address>` or a bare address (CALLGRID_MAIL_FROM). */
export function parseMailbox(text: string): Result<Mailbox> {
  const trimmed = text.trim();
  const angle = /^(.*?)\s*<([^<>]*)>$/.exec(trimmed);
  const address = angle === null ? trimmed : (angle[2] ?? '').trim();
  const name = angle === null ? '' : (angle[1] ?? '').trim().replace(/^"(.*)"$/, '$1');
  const problem = addressProblem(address);
  if (problem !== undefined) return err(`'${printable(address)}' ${problem}`);
  if (name !== '' && !DISPLAY_NAME.test(name)) return err('the name before <address> must be at most 64 printable characters without < > " or \\');
  return ok(name === '' ? { address } : { address, name });
}

/** Text safe to quote in an error: control characters shown as '?', cut at 80. */
export function printable(text: string): string {
  const cut = text.length > 80 ? `${text.slice(0, 80)}...` : text;
  return cut.replace(/[\u0000-\u001f\u007f]/g, '?');
}
