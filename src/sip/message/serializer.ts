// SIP message serializer (RFC 3261 §7): start line, headers in their display casing, a
// Content-Length computed from the body, the empty line, the body.
import { displayName } from './headers.ts';
import type { SipMessage } from './sip-message.ts';

/** Display names of header names seen so far; bounded, as names can come from the network. */
const names = new Map<string, string>();
const MAX_CACHED_NAMES = 512;

function headerName(canonical: string): string {
  let name = names.get(canonical);
  if (name === undefined) {
    name = displayName(canonical);
    if (names.size < MAX_CACHED_NAMES) names.set(canonical, name);
  }
  return name;
}

/** CR or LF inside a value would end the line and forge headers; they become spaces. */
function oneLine(text: string): string {
  return text.indexOf('\r') < 0 && text.indexOf('\n') < 0 ? text : text.replace(/[\r\n]/g, ' ');
}

export function serializeMessage(m: SipMessage): Buffer {
  let head = m.type === 'request' ? `${oneLine(m.method)} ${oneLine(m.uri)} SIP/2.0\r\n` : `SIP/2.0 ${m.status} ${oneLine(m.reason)}\r\n`;
  const { headers } = m;
  for (let i = 0; i < headers.size; i++) {
    const name = headers.nameAt(i) as string;
    // Written once below from the body itself, so it can never disagree with it.
    if (name === 'content-length') continue;
    head += `${headerName(name)}: ${oneLine(headers.valueAt(i) as string)}\r\n`;
  }
  // §20.14: if a stream-based protocol (such as TCP) is used as transport, the header field MUST
  // be used; writing it always costs nothing and keeps one code path for every transport.
  head += `Content-Length: ${m.body.length}\r\n\r\n`;
  const headLength = Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(headLength + m.body.length);
  out.write(head, 0, headLength, 'utf8');
  m.body.copy(out, headLength);
  return out;
}
