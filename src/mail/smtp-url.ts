// The mail server as one URL (CALLGRID_SMTP_URL): smtp://[user:password@]host[:port] (STARTTLS when the server offers
// it; port 587 by default) or smtps://... (TLS from the first byte, RFC 8314; port 465). User and password are
// percent-encoded in the URL. Pure: parsing and the text shown in logs, which never holds the password.
import { isIP } from 'node:net';
import { err, ok, type Result } from '../shared/index.ts';

export interface SmtpServer {
  readonly host: string;
  readonly port: number;
  /** smtps://: TLS from the connection's start. */
  readonly implicitTls: boolean;
  readonly user?: string;
  readonly password?: string;
}

/** Parses and checks the URL; the error never repeats the password. */
export function parseSmtpUrl(text: string): Result<SmtpServer> {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return err('expected smtp://user:password@host:port or smtps://user:password@host:port');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return err(`expected smtp:// or smtps://, not ${url.protocol}//`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') return err('the URL names no host');
  if (url.pathname !== '' && url.pathname !== '/') return err('the URL must end after host:port (no path)');
  if (url.search !== '' || url.hash !== '') return err('the URL takes no query or fragment');
  const implicitTls = url.protocol === 'smtps:';
  const port = url.port === '' ? (implicitTls ? 465 : 587) : Number(url.port);
  let user: string;
  let password: string;
  try {
    user = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    return err('the user or password is not valid percent-encoding');
  }
  if (password !== '' && user === '') return err('a password needs a user (smtp://user:password@host)');
  return ok({ host, port, implicitTls, ...(user === '' ? {} : { user }), ...(password === '' ? {} : { password }) });
}

/** How the server is shown in logs and banners: the password replaced by ***. */
export function describeSmtpServer(server: SmtpServer): string {
  const credentials = server.user === undefined ? '' : `${encodeURIComponent(server.user)}${server.password === undefined ? '' : ':***'}@`;
  const host = isIP(server.host) === 6 ? `[${server.host}]` : server.host;
  return `${server.implicitTls ? 'smtps' : 'smtp'}://${credentials}${host}:${server.port}`;
}

/** Loopback: the node's own host, where a password may go without TLS (a local relay). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
