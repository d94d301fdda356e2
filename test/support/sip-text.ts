// SIP messages as text for the test phone (sip-phone.ts): just enough of RFC 3261 §7 to build, read and answer
// them, kept apart from Callgrid's own parser so the phone checks the PBX rather than agreeing with it.

export interface SipTextMessage {
  readonly method: string | undefined;
  readonly uri: string | undefined;
  readonly status: number | undefined;
  readonly reason: string | undefined;
  /** Header lines in order, names as sent. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
  /** The first value of a header (case-insensitive, compact forms too). */
  header(name: string): string | undefined;
}

// §7.3.3 compact forms.
const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type', e: 'content-encoding', k: 'supported', r: 'refer-to', o: 'event' };

function message(start: { method?: string; uri?: string; status?: number; reason?: string }, headers: ReadonlyArray<readonly [string, string]>, body: string): SipTextMessage {
  return {
    method: start.method,
    uri: start.uri,
    status: start.status,
    reason: start.reason,
    headers,
    body,
    header(name: string): string | undefined {
      const wanted = name.toLowerCase();
      return headers.find(([n]) => (COMPACT[n.toLowerCase()] ?? n.toLowerCase()) === wanted)?.[1];
    },
  };
}

export const SipText = {
  request(method: string, uri: string, headers: ReadonlyArray<readonly [string, string]>, body = ''): SipTextMessage {
    return message({ method, uri }, headers, body);
  },

  /** An answer to `request`: its Via, From, To, Call-ID and CSeq, then `headers` (a To given there replaces it). */
  response(request: SipTextMessage, status: number, reason: string, headers: ReadonlyArray<readonly [string, string]> = [], body = ''): SipTextMessage {
    const replaced = new Set(headers.map(([n]) => n.toLowerCase()));
    const copied = request.headers.filter(([n]) => {
      const name = COMPACT[n.toLowerCase()] ?? n.toLowerCase();
      return ['via', 'from', 'to', 'call-id', 'cseq'].includes(name) && !replaced.has(name);
    });
    return message({ status, reason }, [...copied, ...headers], body);
  },

  serialize(m: SipTextMessage): Buffer {
    const start = m.method !== undefined ? `${m.method} ${m.uri ?? ''} SIP/2.0` : `SIP/2.0 ${String(m.status)} ${m.reason ?? ''}`;
    const lines = [start, ...m.headers.filter(([n]) => n.toLowerCase() !== 'content-length').map(([n, v]) => `${n}: ${v}`), `Content-Length: ${String(Buffer.byteLength(m.body))}`];
    return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${m.body}`);
  },

  parse(data: Buffer): SipTextMessage | undefined {
    const text = data.toString('utf8');
    const split = text.indexOf('\r\n\r\n');
    if (split < 0) return undefined;
    const [start = '', ...lines] = text.slice(0, split).split('\r\n');
    const headers: Array<[string, string]> = [];
    for (const line of lines) {
      // §7.3.1 folded lines continue the previous header.
      const last = headers[headers.length - 1];
      if (/^[ \t]/.test(line) && last !== undefined) last[1] += ` ${line.trim()}`;
      else {
        const colon = line.indexOf(':');
        if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
      }
    }
    const body = text.slice(split + 4);
    const status = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(start);
    if (status) return message({ status: Number(status[1]), reason: status[2] ?? '' }, headers, body);
    const request = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(start);
    return request ? message({ method: request[1], uri: request[2] }, headers, body) : undefined;
  },

  branch(m: SipTextMessage): string {
    return /branch=([^;,\s]+)/.exec(m.header('via') ?? '')?.[1] ?? '';
  },

  tag(nameAddr: string): string {
    return /;\s*tag=([^;>\s]+)/i.exec(nameAddr.replace(/<[^>]*>/, ''))?.[1] ?? '';
  },

  uriOf(nameAddr: string): string | undefined {
    return /<([^>]+)>/.exec(nameAddr)?.[1] ?? /^\s*([^;\s]+)/.exec(nameAddr)?.[1];
  },

  /** The first audio stream's address and port in an SDP body. */
  mediaOf(sdp: string): { address: string; port: number } {
    const address = /^c=IN IP4 (\S+)/m.exec(sdp)?.[1] ?? '127.0.0.1';
    const port = Number(/^m=audio (\d+)/m.exec(sdp)?.[1] ?? 0);
    return { address, port };
  },
};
