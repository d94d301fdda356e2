// Typed settings: defaults, then a JSON config file, then CALLGRID_* variables.
// Validated once at boot; a bad setting stops the start with its name.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { addressProblem, parseMailbox, parseSmtpUrl } from './mail/index.ts';
import { parseNgAddress } from './media/index.ts';
import { PbxError } from './shared/index.ts';

const port = z.coerce.number({ error: 'expected a port 0-65535' }).int('expected a port 0-65535').min(0, 'expected a port 0-65535').max(65535, 'expected a port 0-65535');
// A comma-separated list in the environment, or a JSON array in the config file.
const list = z.union([z.array(z.string().trim().min(1)), z.string().transform((text) => text.split(',').map((item) => item.trim()).filter((item) => item !== ''))]);
const seconds = z.coerce.number().int('expected a whole number of seconds').min(0, 'expected 0 or more');
// true/false (also 1/0, yes/no, on/off) in the environment, or a JSON boolean in the config file.
const flag = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], 'expected true or false').transform((text) => ['true', '1', 'yes', 'on'].includes(text))], { error: 'expected true or false' });

/** A zod check from one of the mail module's parsers, its error as the issue. */
function checkedBy(parse: (text: string) => { readonly ok: boolean; readonly error?: string }) {
  return (text: string, ctx: z.RefinementCtx): void => {
    const parsed = parse(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error ?? 'invalid' });
  };
}

/** The node's host name as a mail domain, when it is one (a container's may not be). */
function mailHost(): string {
  const host = hostname();
  return addressProblem(`pbx@${host}`) === undefined ? host : 'localhost';
}

/** Each setting with its environment variable and default. */
const SETTINGS = {
  httpPort: { env: 'CALLGRID_HTTP_PORT', schema: port, fallback: 8080 },
  httpHost: { env: 'CALLGRID_HTTP_HOST', schema: z.string().min(1), fallback: '0.0.0.0' },
  sipPort: { env: 'CALLGRID_SIP_PORT', schema: port, fallback: 5060 },
  sipHost: { env: 'CALLGRID_SIP_HOST', schema: z.string().min(1), fallback: '0.0.0.0' },
  sipWsPort: { env: 'CALLGRID_SIP_WS_PORT', schema: port, fallback: undefined },
  sipRealm: { env: 'CALLGRID_SIP_REALM', schema: z.string().regex(/^[^"\\\s]{1,128}$/, 'expected a realm without quotes, backslashes or spaces'), fallback: 'callgrid' },
  sipDomains: { env: 'CALLGRID_SIP_DOMAINS', schema: list, fallback: [] as readonly string[] },
  // Refuse (400) digest credentials whose uri is not the Request-URI; off by default, as Kamailio, Asterisk and FreeSWITCH.
  sipDigestUriStrict: { env: 'CALLGRID_SIP_DIGEST_URI_STRICT', schema: flag, fallback: false },
  sipNonceSecret: { env: 'CALLGRID_SIP_NONCE_SECRET', schema: z.string().min(16, 'expected at least 16 characters'), fallback: undefined },
  sipDigestAlgorithms: { env: 'CALLGRID_SIP_DIGEST_ALGORITHMS', schema: list.pipe(z.array(z.enum(['MD5', 'SHA-256'], 'expected MD5 and/or SHA-256')).min(1, 'expected MD5 and/or SHA-256')), fallback: ['MD5'] as ReadonlyArray<'MD5' | 'SHA-256'> },
  sipMinExpiresSeconds: { env: 'CALLGRID_SIP_MIN_EXPIRES', schema: seconds, fallback: 60 },
  sipMaxExpiresSeconds: { env: 'CALLGRID_SIP_MAX_EXPIRES', schema: seconds, fallback: 3600 },
  sipMaxContacts: { env: 'CALLGRID_SIP_MAX_CONTACTS', schema: z.coerce.number().int().min(1, 'expected 1 or more'), fallback: 5 },
  sipQualifySeconds: { env: 'CALLGRID_SIP_QUALIFY_SECONDS', schema: z.coerce.number().int().min(5, 'expected 5 or more'), fallback: 60 },
  sipBanFailures: { env: 'CALLGRID_SIP_BAN_FAILURES', schema: z.coerce.number().int().min(1, 'expected 1 or more'), fallback: 5 },
  sipBanWindowSeconds: { env: 'CALLGRID_SIP_BAN_WINDOW_SECONDS', schema: seconds, fallback: 600 },
  sipBanSeconds: { env: 'CALLGRID_SIP_BAN_SECONDS', schema: seconds, fallback: 1800 },
  sipTrustedNetworks: { env: 'CALLGRID_SIP_TRUSTED_NETWORKS', schema: list, fallback: [] as readonly string[] },
  // Inbound TCP/TLS/WebSocket connections: open at once per transport, per source (IPv4 address or IPv6 /64; 0 = no
  // cap), and how long a new one may stay silent before its first SIP request (0 = no limit).
  sipMaxConnections: { env: 'CALLGRID_SIP_MAX_CONNECTIONS', schema: z.coerce.number().int().min(1, 'expected 1 or more'), fallback: 1024 },
  sipMaxConnectionsPerAddress: { env: 'CALLGRID_SIP_MAX_CONNECTIONS_PER_ADDRESS', schema: z.coerce.number().int().min(0, 'expected 0 or more'), fallback: 100 },
  sipFirstRequestSeconds: { env: 'CALLGRID_SIP_FIRST_REQUEST_SECONDS', schema: seconds, fallback: 10 },
  rtpHost: { env: 'CALLGRID_RTP_HOST', schema: z.string().min(1), fallback: undefined },
  rtpAddress: { env: 'CALLGRID_RTP_ADDRESS', schema: z.string().min(1), fallback: undefined },
  rtpPortMin: { env: 'CALLGRID_RTP_PORT_MIN', schema: port, fallback: 10000 },
  rtpPortMax: { env: 'CALLGRID_RTP_PORT_MAX', schema: port, fallback: 20000 },
  rtpThread: { env: 'CALLGRID_RTP_THREAD', schema: z.enum(['worker', 'main'], 'expected worker or main'), fallback: 'worker' },
  // Worker threads of the RTP relay (CALLGRID_RTP_THREAD=worker); unset: min(2, CPU cores), resolved in main.ts.
  rtpWorkers: { env: 'CALLGRID_RTP_WORKERS', schema: z.coerce.number().int().min(1, 'expected 1 or more').max(64, 'expected 64 or fewer'), fallback: undefined },
  // rtpengine's ng control socket (udp:IP:PORT): plain two-party calls' media goes there (pbx/calls/media-offload.ts); empty = off.
  rtpengineNg: { env: 'CALLGRID_RTPENGINE_NG', schema: z.string().superRefine(checkedBy(parseNgAddress)), fallback: undefined },
  rtpTimeoutSeconds: { env: 'CALLGRID_RTP_TIMEOUT_SECONDS', schema: z.coerce.number().int().min(1, 'expected 1 or more'), fallback: 30 },
  ringSeconds: { env: 'CALLGRID_RING_SECONDS', schema: z.coerce.number().int().min(1, 'expected 1 or more'), fallback: 60 },
  maxCallSeconds: { env: 'CALLGRID_MAX_CALL_SECONDS', schema: seconds, fallback: 0 },
  // What one tenant or one extension may hold at once beyond te_maxchannels, so neither can take every media port.
  tenantCallSharePercent: { env: 'CALLGRID_TENANT_CALL_SHARE_PERCENT', schema: z.coerce.number().int().min(1, 'expected 1-100').max(100, 'expected 1-100'), fallback: 50 },
  extensionMaxCalls: { env: 'CALLGRID_EXTENSION_MAX_CALLS', schema: z.coerce.number().int().min(0, 'expected 0 or more'), fallback: 10 },
  dataDir: { env: 'CALLGRID_DATA_DIR', schema: z.string().min(1), fallback: './data' },
  databaseUrl: {
    env: 'CALLGRID_DATABASE_URL',
    schema: z.string().regex(/^(postgres(ql)?:\/\/|sqlite:).+/i, 'expected postgres://user@host/db or sqlite:PATH'),
    fallback: undefined,
  },
  nodeName: { env: 'CALLGRID_NODE_NAME', schema: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'expected letters, digits, . _ -'), fallback: hostname().split('.')[0] || 'callgrid' },
  logLevel: { env: 'CALLGRID_LOG_LEVEL', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), fallback: 'info' },
  publicUrl: { env: 'CALLGRID_PUBLIC_URL', schema: z.url('expected a URL such as https://pbx.example.com'), fallback: undefined },
  serviceEndDate: {
    env: 'CALLGRID_SERVICE_END_DATE',
    // Date.parse rolls 2027-02-30 over to March; a round trip catches that.
    schema: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').refine((d) => { const t = new Date(`${d}T00:00:00Z`); return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(d); }, 'no such date'),
    fallback: undefined,
  },
  demoTenant: {
    env: 'CALLGRID_DEMO_TENANT',
    schema: z.string().regex(/^([A-Za-z][A-Za-z0-9]{0,31})?$/, 'expected a tenant code (letters and digits), or empty for none'),
    fallback: 'DEMO',
    emptyMeansNone: true,
  },
  lookupCacheSeconds: { env: 'CALLGRID_LOOKUP_CACHE_SECONDS', schema: seconds, fallback: 2 },
  // A tenant's URL targets (an inbound SMS posted to a URL) may name loopback, private or link-local addresses only
  // when this is on: off, a tenant cannot make the node post to its own or its network's internal services.
  smsUrlInternalHosts: { env: 'CALLGRID_SMS_URL_INTERNAL_HOSTS', schema: flag, fallback: false },
  authFailureLimit: { env: 'CALLGRID_AUTH_FAILURE_LIMIT', schema: z.coerce.number().int().min(1, 'expected 1 or more'), fallback: 20 },
  authFailureWindowSeconds: { env: 'CALLGRID_AUTH_FAILURE_WINDOW_SECONDS', schema: seconds, fallback: 60 },
  authBanSeconds: { env: 'CALLGRID_AUTH_BAN_SECONDS', schema: seconds, fallback: 300 },
  shutdownTimeoutSeconds: { env: 'CALLGRID_SHUTDOWN_TIMEOUT_SECONDS', schema: seconds, fallback: 10 },
  // SIGTERM / `callgrid drain`: how long calls in progress may go on before the rest are hung up and the node exits.
  drainSeconds: { env: 'CALLGRID_DRAIN_SECONDS', schema: seconds, fallback: 300 },
  // How often the live-call journal marks this node's calls alive: a crash's CDRs end at most this much late.
  heartbeatSeconds: { env: 'CALLGRID_HEARTBEAT_SECONDS', schema: z.coerce.number().int().min(1, 'expected 1-60').max(60, 'expected 1-60'), fallback: 5 },
  // SIP MESSAGE between phones: how long one waits for an offline phone, and how many one tenant may keep waiting.
  sipMessageExpiryDays: { env: 'CALLGRID_SIP_MESSAGE_EXPIRY_DAYS', schema: z.coerce.number().int().min(1, 'expected 1-365').max(365, 'expected 1-365'), fallback: 7 },
  sipMessageTenantCap: { env: 'CALLGRID_SIP_MESSAGE_TENANT_CAP', schema: z.coerce.number().int().min(1, 'expected 1-100000').max(100_000, 'expected 1-100000'), fallback: 1000 },
  // The node's mail server (inbound SMS to e-mail; voicemail and fax later). Unset: features that mail answer not
  // implemented. The URL carries the password: a bad value is shown with it masked (see loadConfig).
  smtpUrl: { env: 'CALLGRID_SMTP_URL', schema: z.string().superRefine(checkedBy(parseSmtpUrl)), fallback: undefined },
  mailFrom: { env: 'CALLGRID_MAIL_FROM', schema: z.string().superRefine(checkedBy(parseMailbox)), fallback: `Callgrid <pbx@${mailHost()}>` },
} as const;

type Settings = typeof SETTINGS;
type Name = keyof Settings;
export type Config = { readonly [K in Name]: z.output<Settings[K]['schema']> | Settings[K]['fallback'] } & {
  readonly databaseUrl: string;
  readonly publicUrl: string;
};

/** Reads `CALLGRID_CONFIG` (or ./callgrid.json when present), then the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const filePath = env.CALLGRID_CONFIG ?? (existsSync(join(cwd, 'callgrid.json')) ? join(cwd, 'callgrid.json') : undefined);
  const file = filePath === undefined ? {} : readConfigFile(resolve(cwd, filePath));
  for (const key of Object.keys(file)) {
    if (!Object.hasOwn(SETTINGS, key)) throw new PbxError('invalid_config', `Unknown setting '${key}' in ${filePath}; known settings: ${Object.keys(SETTINGS).join(', ')}`);
  }

  const values: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as Array<[Name, Settings[Name]]>) {
    const raw = env[setting.env] ?? file[name];
    if (raw === '' && 'emptyMeansNone' in setting) {
      values[name] = '';
      continue;
    }
    if (raw === undefined || raw === '') {
      values[name] = setting.fallback;
      continue;
    }
    const parsed = (setting.schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      const source = env[setting.env] !== undefined ? setting.env : `${name} in ${filePath}`;
      // A database or SMTP URL may carry a password: never echo it (up to the last @: a password may hold an @ itself).
      const shown = String(raw).replace(/(\/\/[^:/@]*:).*@/, '$1***@');
      throw new PbxError('invalid_config', `Invalid setting ${source}='${shown}': ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
    values[name] = parsed.data;
  }
  const dataDir = resolve(cwd, String(values.dataDir));
  values.dataDir = dataDir;
  values.databaseUrl ??= `sqlite:${join(dataDir, 'callgrid.db')}`;
  const host = String(values.httpHost);
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  values.publicUrl = typeof values.publicUrl === 'string' ? values.publicUrl.replace(/\/+$/, '') : `http://${shownHost}:${String(values.httpPort)}`;
  return values as Config;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PbxError('invalid_config', `Cannot read the config file ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new PbxError('invalid_config', `Invalid config file ${path}: ${(error as Error).message}`);
  }
}
