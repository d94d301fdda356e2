// The UAS core's checks on a new request before the upper layer sees it (RFC 3261 §8.2.1-§8.2.2, and §16.3's
// Max-Forwards rule for a B2BUA that forwards): a typed table run in order; the first rejection is the answer.
import type { SipRequest } from '../message/index.ts';

export interface Rejection {
  readonly status: number;
  readonly reason: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

export interface UasPolicy {
  /** Methods the upper layer handles, plus ACK and CANCEL (the stack's own). */
  readonly allow: ReadonlySet<string>;
  /** Option tags understood, lower-cased. */
  readonly supported: ReadonlySet<string>;
  /** The Allow header value sent with 405 and 501. */
  readonly allowHeader: string;
}

interface UasCheck {
  /** The RFC section it implements, for the reader and the test names. */
  readonly section: string;
  /** Methods the check does not apply to. */
  readonly exempt: ReadonlySet<string>;
  check(request: SipRequest, policy: UasPolicy): Rejection | undefined;
}

/**
 * Methods this stack recognises (RFC 3261, 3262, 3265/6665, 3311, 3428, 3515, 3903, 6086). A method outside the
 * upper layer's list gets 405 when it is one of these and 501 when the stack has never heard of it.
 */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE',
]);

const SCHEMES: ReadonlySet<string> = new Set(['sip', 'sips', 'tel']);
const NONE: ReadonlySet<string> = new Set();

const methodCheck: UasCheck = {
  section: '8.2.1',
  exempt: NONE,
  check(request, policy) {
    // Method names are case-sensitive (§7.1), so `invite` is an unknown method, not INVITE.
    if (policy.allow.has(request.method)) return undefined;
    const allow: ReadonlyArray<readonly [string, string]> = [['Allow', policy.allowHeader]];
    // §21.5.2: 501 "is the appropriate response when a UAS does not recognize the request method".
    if (!KNOWN_METHODS.has(request.method)) return { status: 501, reason: 'Not Implemented', headers: allow };
    // §8.2.1: "If a UAS recognizes but does not support the method of a request, it MUST generate a 405 (Method
    // Not Allowed) response" and "The UAS MUST also add an Allow header field to the 405".
    return { status: 405, reason: 'Method Not Allowed', headers: allow };
  },
};

const schemeCheck: UasCheck = {
  section: '8.2.2.1',
  exempt: NONE,
  check(request) {
    const colon = request.uri.indexOf(':');
    // Schemes are case-insensitive (§19.1.4). §8.2.2.1: "If the Request-URI uses a scheme not supported by the
    // UAS, it SHOULD reject the request with a 416 (Unsupported URI Scheme) response."
    if (colon > 0 && SCHEMES.has(request.uri.slice(0, colon).toLowerCase())) return undefined;
    return { status: 416, reason: 'Unsupported URI Scheme', headers: [] };
  },
};

const requireCheck: UasCheck = {
  section: '8.2.2.3',
  // "Require and Proxy-Require MUST NOT be used in a SIP CANCEL request, or in an ACK request sent for a non-2xx
  // response. These header fields MUST be ignored if they are present in these requests." An ACK for a 2xx
  // carries the INVITE's tags, already accepted; ACK is never answered anyway.
  exempt: new Set(['ACK', 'CANCEL']),
  check(request, policy) {
    // Option tags are compared case-insensitively: accepting `TIMER` for `timer` is harmless.
    const unknown = request.headers.getAll('require').filter((tag) => !policy.supported.has(tag.toLowerCase()));
    if (unknown.length === 0) return undefined;
    // "If a UAS does not understand an option-tag listed in a Require header field, it MUST respond by generating
    // a response with status code 420 (Bad Extension). The UAS MUST add an Unsupported header field, and list in
    // it those options it does not understand amongst those in the Require header field of the request."
    // Proxy-Require is for proxies (§20.29); a UAS does not read it.
    return { status: 420, reason: 'Bad Extension', headers: [['Unsupported', unknown.join(', ')]] };
  },
};

const maxForwardsCheck: UasCheck = {
  section: '16.3',
  // An endpoint answers OPTIONS with Max-Forwards 0 itself (§11, RFC 4475 §3.3.11); CANCEL is answered hop by
  // hop and never forwarded; ACK is never answered.
  exempt: new Set(['OPTIONS', 'CANCEL', 'ACK']),
  check(request) {
    const value = request.headers.get('max-forwards');
    // §16.3 (a B2BUA would forward this request): "If the Max-Forwards value reaches 0 ... the element MUST
    // return a 483 (Too many hops)".
    if (value === undefined || Number(value) !== 0) return undefined;
    return { status: 483, reason: 'Too Many Hops', headers: [] };
  },
};

/** In RFC order: method (§8.2.1), then headers (§8.2.2): Request-URI scheme, Require; then Max-Forwards. */
const CHECKS: readonly UasCheck[] = [methodCheck, schemeCheck, requireCheck, maxForwardsCheck];

/** The answer to send instead of handing the request up, or undefined when it may go up. Never for an ACK. */
export function checkRequest(request: SipRequest, policy: UasPolicy): Rejection | undefined {
  if (request.method === 'ACK') return undefined;
  for (const entry of CHECKS) {
    if (entry.exempt.has(request.method)) continue;
    const rejection = entry.check(request, policy);
    if (rejection !== undefined) return rejection;
  }
  return undefined;
}

export function uasPolicy(allow: readonly string[], supported: readonly string[]): UasPolicy {
  const methods = new Set(allow);
  // The stack answers CANCEL itself (§9.2) and ACK belongs to the INVITE transaction or dialog.
  methods.add('ACK');
  methods.add('CANCEL');
  return {
    allow: methods,
    supported: new Set(supported.map((tag) => tag.toLowerCase())),
    allowHeader: [...methods].join(', '),
  };
}
