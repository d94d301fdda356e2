// Our Contact for dialogs the B2BUA creates (RFC 3261 §8.1.1.8, §12.1.1): the address of the transport the leg
// uses, with its transport parameter so in-dialog requests come back over the same kind of transport.
import type { SipStack, TransportProtocol } from '../../sip/index.ts';

export function localContact(stack: SipStack, protocol: TransportProtocol): string {
  const sentBy = stack.sentBy(protocol) ?? stack.sentBy('udp');
  const host = sentBy === undefined ? '127.0.0.1' : sentBy.host.includes(':') ? `[${sentBy.host}]` : sentBy.host;
  const port = sentBy?.port ?? 5060;
  const transport = protocol === 'udp' ? '' : `;transport=${protocol}`;
  return `<sip:callgrid@${host}:${port}${transport}>`;
}
