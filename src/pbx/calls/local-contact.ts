// Our Contact for dialogs the B2BUA creates (RFC 3261 §8.1.1.8, §12.1.1): the address of the transport the leg
// uses, with its transport parameter so in-dialog requests come back over the same kind of transport. Given the
// local end of the request's flow (InboundSource.local), its address is used when the transport listens on a
// wildcard: the phone reached that address, which on a multi-homed host need not be the host's main one.
import type { Endpoint, SipStack, TransportProtocol } from '../../sip/index.ts';

const WILDCARDS = new Set(['0.0.0.0', '::', '::0', '']);

export function localContact(stack: SipStack, protocol: TransportProtocol, local?: Endpoint): string {
  const address = flowHost(stack, protocol, local);
  const host = address.includes(':') ? `[${address}]` : address;
  const port = stack.sentBy(protocol)?.port ?? stack.sentBy('udp')?.port ?? 5060;
  const transport = protocol === 'udp' ? '' : `;transport=${protocol}`;
  return `<sip:callgrid@${host}:${port}${transport}>`;
}

/**
 * The host to advertise on a flow: the flow's own local address when our transport is bound to a wildcard and the
 * transport knew it; else the stack's sent-by host (the bound address, or the host's main one).
 */
export function flowHost(stack: SipStack, protocol: TransportProtocol, local?: Endpoint): string {
  const bound = stack.localEndpoint(protocol)?.address;
  const own = local?.address.replace(/%.*$/, '');
  if (bound !== undefined && WILDCARDS.has(bound) && own !== undefined && !WILDCARDS.has(own)) return own;
  return (stack.sentBy(protocol) ?? stack.sentBy('udp'))?.host ?? '127.0.0.1';
}
