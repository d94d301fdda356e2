// MailSender over SMTP (RFC 5321) through nodemailer: one connection per message (mail here is rare: an SMS, a
// voicemail, a fax; no idle pooled sockets to keep alive or to go stale), every wait bounded, MailLimits in front, and
// errors turned into short one-line texts that never hold the password or the server's address (they reach tenants).
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { PbxError, systemClock, type Clock } from '../shared/index.ts';
import { addressProblem, parseMailbox, printable, type Mailbox } from './mail-address.ts';
import { MailLimits, type MailLimitSettings } from './mail-limits.ts';
import { unconfiguredMailSender, type MailMessage, type MailOutcome, type MailSender } from './mail-sender.ts';
import { describeSmtpServer, isLoopbackHost, parseSmtpUrl, type SmtpServer } from './smtp-url.ts';

export interface SmtpTimeouts {
  /** TCP connect, and the server's greeting after it (default 10 s each). */
  readonly connectMs?: number;
  /** Silence on the connection once it is up (default 30 s). */
  readonly socketMs?: number;
  /** One whole message, however the server drips its answers (default 60 s). */
  readonly sendMs?: number;
}

export interface SmtpMailSettings {
  readonly server: SmtpServer;
  readonly from: Mailbox;
  readonly clock?: Clock;
  readonly limits?: MailLimitSettings;
  readonly timeouts?: SmtpTimeouts;
}

const MAX_SUBJECT = 250;
const MAX_TEXT = 256 * 1024;
const MAX_RECIPIENTS = 50;

/** The transport's options: TLS as the URL says, and a password never sent in the clear beyond loopback. */
export function smtpTransportOptions(server: SmtpServer, timeouts: SmtpTimeouts = {}): SMTPTransport.Options {
  const connectMs = timeouts.connectMs ?? 10_000;
  return {
    host: server.host,
    port: server.port,
    secure: server.implicitTls,
    // With a password over smtp:// the server must offer STARTTLS (unless it is this host's own relay).
    requireTLS: !server.implicitTls && server.password !== undefined && !isLoopbackHost(server.host),
    ...(server.user === undefined ? {} : { auth: { user: server.user, pass: server.password ?? '' } }),
    connectionTimeout: connectMs,
    greetingTimeout: connectMs,
    dnsTimeout: connectMs,
    socketTimeout: timeouts.socketMs ?? 30_000,
    // Messages are built from text only: nothing may make the library read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  };
}

/** Why a message may not be sent as given, or undefined. */
export function messageProblem(message: MailMessage): string | undefined {
  if (message.to.length === 0) return 'no recipient';
  if (message.to.length > MAX_RECIPIENTS) return `${message.to.length} recipients, over the limit of ${MAX_RECIPIENTS}`;
  for (const address of message.to) {
    const problem = addressProblem(address);
    if (problem !== undefined) return `recipient '${printable(address)}' ${problem}`;
  }
  // A CR or LF in a header value would end it and start another (header injection): refused, never cleaned silently.
  if (/[\r\n]/.test(message.subject)) return 'the subject holds a line break';
  if (/[\u0000-\u001f\u007f]/.test(message.subject)) return 'the subject holds a control character';
  if (message.subject.length > MAX_SUBJECT) return `the subject is longer than ${MAX_SUBJECT} characters`;
  if (message.text.length > MAX_TEXT) return `the text is longer than ${MAX_TEXT} characters`;
  return undefined;
}

export class SmtpMailSender implements MailSender {
  readonly configured = true;
  private readonly transport: nodemailer.Transporter<SMTPTransport.SentMessageInfo>;
  private readonly limits: MailLimits;

  constructor(private readonly settings: SmtpMailSettings) {
    this.transport = nodemailer.createTransport(smtpTransportOptions(settings.server, settings.timeouts));
    this.limits = new MailLimits(settings.clock ?? systemClock, settings.limits);
  }

  describe(): string {
    return describeSmtpServer(this.settings.server);
  }

  async send(message: MailMessage): Promise<MailOutcome> {
    const problem = messageProblem(message);
    if (problem !== undefined) return { ok: false, error: `not sent: ${problem}` };
    const turn = await this.limits.acquire(message.tenantId);
    if (!turn.ok) return { ok: false, error: turn.error };
    const sendMs = this.settings.timeouts?.sendMs ?? 60_000;
    const sending = this.transport
      .sendMail({
        from: this.settings.from.name === undefined ? this.settings.from.address : { name: this.settings.from.name, address: this.settings.from.address },
        to: [...message.to],
        subject: message.subject,
        text: message.text,
        // RFC 3834 §5: machine-made mail; well-behaved responders do not answer it (no vacation-reply loops).
        headers: { 'Auto-Submitted': 'auto-generated' },
      })
      .then(
        (info): MailOutcome => {
          const rejected = info.rejected.map(addressText);
          const note = rejected.length === 0 ? undefined : this.clean(`the mail server refused ${rejected.join(', ')}: ${rejectedResponse(info)}`);
          return { ok: true, accepted: info.accepted.map(addressText), rejected, ...(note === undefined ? {} : { note }) };
        },
        (error: unknown): MailOutcome => ({ ok: false, error: this.errorText(error) }),
      )
      // The turn is given back only once the library is done with the message, even after the caller stopped waiting.
      .finally(turn.value);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<MailOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, error: `the mail server did not take the message within ${sendMs / 1000} s` }), sendMs);
      timer.unref();
    });
    try {
      return await Promise.race([sending, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }

  /** One line from a library or server error; the password is cut out should the server have echoed it. */
  private errorText(error: unknown): string {
    const fields = (error ?? {}) as { code?: unknown; response?: unknown; message?: unknown };
    const code = typeof fields.code === 'string' ? fields.code : '';
    const response = typeof fields.response === 'string' ? fields.response : '';
    const message = typeof fields.message === 'string' ? fields.message : String(error);
    const why =
      code === 'ESOCKET' && /certificate|ssl routines|tls/i.test(message)
        ? 'TLS with the mail server failed (a certificate not trusted, or smtps:// to a server that does not speak TLS at once)'
        : code === 'ECONNECTION' || code === 'ETIMEDOUT' || code === 'EDNS' || code === 'ESOCKET'
        ? `the mail server is unreachable (${systemCode(message) ?? code})`
        : code === 'EAUTH'
          ? `the mail server refused the login: ${response}`
          : code === 'ETLS'
            ? 'the mail server offers no TLS (STARTTLS), which a password over smtp:// needs'
            : response !== ''
              ? `the mail server refused the message: ${response}`
              : `the mail server failed (${systemCode(message) ?? (code || 'error')})`;
    return this.clean(why);
  }

  /** One line of at most 300 characters, without the password. */
  private clean(text: string): string {
    const password = this.settings.server.password;
    const line = (password === undefined ? text : text.split(password).join('***')).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
    return line.length > 300 ? `${line.slice(0, 300)}...` : line;
  }
}

/** The operating system's reason inside a library message ('connect ECONNREFUSED 127.0.0.1:25'), without the address. */
const systemCode = (message: unknown): string | undefined => (typeof message === 'string' ? /\b(E[A-Z]{3,}|EAI_[A-Z]+)\b/.exec(message)?.[1] : undefined);
const addressText = (a: string | { readonly address: string }): string => (typeof a === 'string' ? a : a.address);
/** The server's answers to the refused recipients (nodemailer keeps them on the info as rejectedErrors). */
function rejectedResponse(info: SMTPTransport.SentMessageInfo): string {
  const errors = (info as { rejectedErrors?: ReadonlyArray<{ response?: unknown }> }).rejectedErrors ?? [];
  const texts = errors.map((e) => (typeof e.response === 'string' ? e.response : '')).filter((t) => t !== '');
  return texts.length > 0 ? texts.join(' | ') : 'no reason given';
}

export interface MailSenderSettings {
  /** CALLGRID_SMTP_URL; undefined or empty = the node has no mail server. */
  readonly smtpUrl: string | undefined;
  /** CALLGRID_MAIL_FROM: `Name <address>` or an address. */
  readonly from: string;
  readonly clock?: Clock;
  readonly limits?: MailLimitSettings;
  readonly timeouts?: SmtpTimeouts;
}

/** The node's sender from its settings (checked again here, so a bad value fails the start, naming it). */
export function createMailSender(settings: MailSenderSettings): MailSender {
  if (settings.smtpUrl === undefined || settings.smtpUrl.trim() === '') return unconfiguredMailSender;
  const server = parseSmtpUrl(settings.smtpUrl);
  if (!server.ok) throw new PbxError('invalid_config', `Invalid setting CALLGRID_SMTP_URL: ${server.error}`);
  const from = parseMailbox(settings.from);
  if (!from.ok) throw new PbxError('invalid_config', `Invalid setting CALLGRID_MAIL_FROM: ${from.error}`);
  return new SmtpMailSender({ server: server.value, from: from.value, ...pick(settings) });
}

function pick(settings: MailSenderSettings): Pick<SmtpMailSettings, 'clock' | 'limits' | 'timeouts'> {
  return { ...(settings.clock === undefined ? {} : { clock: settings.clock }), ...(settings.limits === undefined ? {} : { limits: settings.limits }), ...(settings.timeouts === undefined ? {} : { timeouts: settings.timeouts }) };
}
