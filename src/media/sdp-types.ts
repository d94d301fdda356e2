// SDP session descriptions as plain data (RFC 8866 §5, which obsoletes RFC 4566): the fields a
// PBX reads are typed; every other line is kept, in order, to be written back unchanged.

/** c= (§5.7) and the address part of a=rtcp (RFC 3605). */
export interface Connection {
  /** Always "IN" in practice. */
  readonly netType: string;
  /** "IP4" or "IP6". */
  readonly addrType: string;
  /** Unicast address or host name; a multicast address keeps its /ttl suffix. */
  readonly address: string;
}

/** o= (§5.2). The ids are strings: they are often wider than 2^53. */
export interface Origin {
  readonly username: string;
  readonly sessionId: string;
  readonly sessionVersion: string;
  readonly netType: string;
  readonly addrType: string;
  readonly address: string;
}

/** t= (§5.9) with its r= lines (§5.10) kept as text. */
export interface Timing {
  readonly start: string;
  readonly stop: string;
  readonly repeats: readonly string[];
}

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** a= lines: the ones offer/answer needs are typed, the rest are kept as name and value. */
export type SdpAttribute =
  | { readonly kind: 'rtpmap'; readonly payloadType: number; readonly encoding: string; readonly clockRate: number; readonly channels?: number }
  | { readonly kind: 'fmtp'; readonly format: string; readonly parameters: string }
  | { readonly kind: 'ptime'; readonly milliseconds: number }
  | { readonly kind: 'direction'; readonly direction: Direction }
  | { readonly kind: 'rtcp'; readonly port: number; readonly connection?: Connection }
  | { readonly kind: 'rtcp-mux' }
  | { readonly kind: 'other'; readonly name: string; readonly value?: string };

/** A line the model does not type (i=, u=, e=, p=, b=, z=, k=), kept verbatim. */
export interface SdpLine {
  readonly type: string;
  readonly value: string;
}

/** m= (§5.14) and the lines that follow it. */
export interface MediaDescription {
  /** audio, video, image, application, ... */
  readonly media: string;
  /** 0 means the stream is rejected or disabled (RFC 3264 §6, §8.2). */
  readonly port: number;
  /** The "/<number of ports>" suffix, when present. */
  readonly portCount?: number;
  /** RTP/AVP, RTP/SAVP, UDP/TLS/RTP/SAVPF, udptl, ... */
  readonly proto: string;
  /** Payload type numbers for RTP protocols, otherwise protocol-defined tokens; never empty. */
  readonly formats: readonly string[];
  readonly connection?: Connection;
  readonly attributes: readonly SdpAttribute[];
  readonly lines: readonly SdpLine[];
}

export interface SessionDescription {
  readonly origin: Origin;
  readonly sessionName: string;
  readonly connection?: Connection;
  readonly timing: readonly Timing[];
  readonly attributes: readonly SdpAttribute[];
  readonly lines: readonly SdpLine[];
  readonly media: readonly MediaDescription[];
}

/** Why an SDP body was refused: the 1-based line number (0 for the body as a whole) and why. */
export interface SdpParseError {
  readonly line: number;
  readonly reason: string;
}
