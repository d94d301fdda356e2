// A real SMTP server as the test peer (npm `smtp-server`, by nodemailer's authors) on 127.0.0.1 and a free port: it
// keeps every message it takes (envelope, headers, decoded text), refuses the recipients it is told to at RCPT TO, and
// checks a login when given one. Plain text only (no STARTTLS): loopback.
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  /** Header names lower-cased, folded lines joined. */
  readonly headers: ReadonlyMap<string, string>;
  /** The text part as the sender meant it (quoted-printable or base64 undone, UTF-8). */
  readonly text: string;
}

export interface SmtpPeerOptions {
  /** Recipients refused at RCPT TO with 550. */
  readonly refuse?: readonly string[];
  /** When set, the server asks for a login and takes only this one. */
  readonly login?: { readonly user: string; readonly password: string };
}

export class SmtpPeer {
  readonly received: ReceivedMail[] = [];
  /** Connections the server saw (a refused message must never open one). */
  connections = 0;
  /** AUTH attempts it saw (a password must never go where TLS was required and missing). */
  logins = 0;

  private constructor(private readonly server: SMTPServer, readonly port: number) {}

  static async start(options: SmtpPeerOptions = {}): Promise<SmtpPeer> {
    const refused = new Set((options.refuse ?? []).map((a) => a.toLowerCase()));
    let peer: SmtpPeer | undefined;
    const server = new SMTPServer({
      logger: false,
      hideSTARTTLS: true,
      authOptional: options.login === undefined,
      // A login over plain TCP is allowed here only because this server listens on loopback.
      disabledCommands: options.login === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
      allowInsecureAuth: true,
      onConnect: (_session, callback) => {
        if (peer !== undefined) peer.connections++;
        callback();
      },
      onAuth: (auth, _session, callback) => {
        if (peer !== undefined) peer.logins++;
        const ok = options.login !== undefined && auth.username === options.login.user && auth.password === options.login.password;
        callback(ok ? null : new Error('Invalid username or password'), ok ? { user: auth.username ?? '' } : undefined);
      },
      onRcptTo: (address, _session, callback) => {
        if (!refused.has(address.address.toLowerCase())) return callback();
        callback(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: no such user`), { responseCode: 550 }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          peer?.received.push({ mailFrom: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address, rcptTo: session.envelope.rcptTo.map((r) => r.address), ...parseMessage(Buffer.concat(chunks).toString('latin1')) });
          callback();
        });
      },
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
    peer = new SmtpPeer(server, port);
    return peer;
  }

  /** Resolves once `count` messages arrived (or after `limitMs`, with what there is). */
  async waitFor(count: number, limitMs = 8000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + limitMs;
    while (this.received.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.received;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Headers and the text of a single-part message as nodemailer writes one (7bit, quoted-printable or base64). */
function parseMessage(raw: string): { headers: Map<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = raw.slice(split + 4);
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1')
        : Buffer.from(body, 'latin1');
  return { headers, text: bytes.toString('utf8').replace(/\r\n/g, '\n') };
}
