// Summary of a SIPp -trace_err log: why registrations failed, counted by kind, in a few lines instead of the raw
// log (which repeats whole SIP messages, once per event).
import { closeSync, existsSync, openSync, readSync } from 'node:fs';

/** The log can be large after an overloaded step; its head is representative enough. */
const MAX_BYTES = 4 * 1024 * 1024;

function readHead(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(MAX_BYTES);
    const length = readSync(fd, buffer, 0, MAX_BYTES, 0);
    return buffer.subarray(0, length).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** Lines such as `412 receive timeouts` and `3 unexpected 'SIP/2.0 403 Forbidden' to CSeq 2`; empty when the log is. */
export function summariseErrors(path: string): string[] {
  if (!existsSync(path)) return [];
  // Each event starts with a date, a tab and a time; a quoted SIP message may end right before the next one.
  const events = readHead(path).split(/(?=\d{4}-\d{2}-\d{2}\t\d{2}:\d{2}:\d{2}\.\d+\t)/).slice(1);
  let timeouts = 0;
  let late = 0;
  let refused = 0;
  const unexpected = new Map<string, number>();
  const other = new Map<string, number>();
  for (const event of events) {
    const text = event.replace(/^\S+\t\S+\t\S+:\s*/, '');
    if (/receive timeout/i.test(text)) timeouts++;
    // A retransmitted answer for a registration that already ended: not a failure, SIPp just logs it.
    else if (/^Dead call|can't be mapped to a known SIPp call/i.test(text)) late++;
    // The scenario's CSeq check on a 401 while it waits for the 200: a 401 to the REGISTER with credentials.
    else if (/Failed regexp match: looking in ' *2 REGISTER'/.test(text)) refused++;
    else if (/unexpected message/i.test(text)) {
      const status = /received '([^\r\n']*)/.exec(text)?.[1] ?? 'a message';
      const cseq = /CSeq:\s*(\d+)/i.exec(text)?.[1];
      const key = `'${status.trim()}'${cseq ? ` to CSeq ${cseq}` : ''}`;
      unexpected.set(key, (unexpected.get(key) ?? 0) + 1);
    } else {
      const key = text.split(/[\r\n]/)[0]?.replace(/\d+-\d+@\S+/g, '<call>').slice(0, 160) ?? '';
      other.set(key, (other.get(key) ?? 0) + 1);
    }
  }
  const lines: string[] = [];
  if (refused > 0) lines.push(`${refused} credentials refused (401 to the REGISTER with credentials; the registration then times out)`);
  if (timeouts > 0) lines.push(`${timeouts} receive timeouts (no answer within the timeout, retransmissions included)`);
  for (const [key, count] of unexpected) lines.push(`${count} unexpected answers ${key}`);
  for (const [key, count] of [...other].slice(0, 3)) lines.push(`${count} x ${key}`);
  if (late > 0) lines.push(`${late} late answers to registrations already finished`);
  return lines;
}
