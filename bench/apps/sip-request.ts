// The little SIP the rtpengine peer's UAS (media-server-uas.ts) reads and writes: a request parsed into method,
// headers (compact forms expanded, RFC 3261 §7.3.3) and body, and a response built from a request (§8.2.6.2: Via,
// From, To with our tag, Call-ID, CSeq copied).

export interface SipRequest {
  readonly method: string;
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: string;
}

// A compact-form header name and its full form (RFC 3261 §7.3.3); SIPp writes full names, but be lenient.
const COMPACT: Readonly<Record<string, string>> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type' };

export function parseRequest(data: Buffer): SipRequest | undefined {
  const text = data.toString('utf8');
  const split = text.search(/\r?\n\r?\n/);
  const head = split >= 0 ? text.slice(0, split) : text;
  const body = split >= 0 ? text.slice(split).replace(/^\r?\n\r?\n/, '') : '';
  const [first, ...lines] = head.split(/\r?\n/);
  const method = /^([A-Z]+) \S+ SIP\/2\.0$/.exec(first ?? '')?.[1];
  if (!method) return undefined; // a response, or not SIP
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { method, headers, body };
}

export const tagOf = (header: string | undefined) => /;\s*tag=([^;\s]+)/i.exec(header ?? '')?.[1];

/** The response to `request` with `status`, our `toTag` (not on a 100) and an optional SDP body, as bytes to send. */
export function responseTo(request: SipRequest, status: string, options: { sdp?: string; toTag?: string; contact?: string }): Buffer {
  const header = (name: string) => request.headers.get(name) ?? [];
  const toHeader = header('to')[0] ?? '';
  const { sdp, toTag } = options;
  const lines = [
    `SIP/2.0 ${status}`,
    ...header('via').map((via) => `Via: ${via}`),
    `From: ${header('from')[0] ?? ''}`,
    `To: ${toTag && !tagOf(toHeader) && !status.startsWith('100') ? `${toHeader};tag=${toTag}` : toHeader}`,
    `Call-ID: ${header('call-id')[0] ?? ''}`,
    `CSeq: ${header('cseq')[0] ?? ''}`,
    ...header('record-route').map((route) => `Record-Route: ${route}`),
    ...(options.contact ? [`Contact: ${options.contact}`] : []),
    'Server: callgrid-bench-rtpengine-pbx',
    ...(sdp ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(sdp ?? '')}`,
    '',
    sdp ?? '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
