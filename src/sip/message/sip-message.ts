// SIP requests and responses (RFC 3261 §7) as plain data with a header list.
import type { Headers } from './headers.ts';

export interface SipRequest {
  readonly type: 'request';
  method: string;
  /** The Request-URI as it appeared (parse it with parseUri when needed). */
  uri: string;
  readonly version: string;
  readonly headers: Headers;
  body: Buffer;
}

export interface SipResponse {
  readonly type: 'response';
  status: number;
  reason: string;
  readonly version: string;
  readonly headers: Headers;
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

/** Why a packet could not be parsed; `status` is 400 unless a better code applies (e.g. 505, 413). */
export interface SipParseError {
  readonly status: number;
  readonly reason: string;
  /** Set when the start line and enough headers were read to answer a request. */
  readonly partial?: SipRequest;
}

/** A parsed SIP or SIPS URI (RFC 3261 §19.1), or a tel URI (RFC 3966). */
export interface SipUri {
  readonly scheme: 'sip' | 'sips' | 'tel';
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Host name, IPv4 address, or IPv6 reference without brackets; for tel, the number. */
  readonly host: string;
  readonly port: number | undefined;
  /** Parameter names lower-cased; a parameter without `=` maps to null. */
  readonly params: ReadonlyMap<string, string | null>;
  readonly headers: ReadonlyMap<string, string>;
}

/** `"Display" <uri>;params` or `uri;params` (RFC 3261 §20.10, §25.1 name-addr / addr-spec). */
export interface NameAddr {
  readonly displayName: string | undefined;
  readonly uri: string;
  readonly params: ReadonlyMap<string, string | null>;
}

/** One Via element (RFC 3261 §20.42, RFC 3581 rport). */
export interface Via {
  readonly protocol: string; // 'SIP/2.0'
  readonly transport: string; // upper case: UDP, TCP, TLS, WS, WSS, SCTP
  readonly host: string;
  readonly port: number | undefined;
  readonly params: ReadonlyMap<string, string | null>;
  readonly branch: string | undefined;
}

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}
