// Where a packet came from or goes to.

export type TransportProtocol = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

export interface Endpoint {
  readonly protocol: TransportProtocol;
  readonly address: string;
  readonly port: number;
}

/** True for transports that deliver reliably (RFC 3261 §17: no retransmissions of requests). */
export function isReliable(protocol: TransportProtocol): boolean {
  return protocol !== 'udp';
}
