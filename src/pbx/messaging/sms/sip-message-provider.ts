// An SMS carrier reached by SIP MESSAGE (RFC 3428): each SMS is an out-of-dialog MESSAGE, text/plain;charset=UTF-8,
// to sip:<to>@carrier, From sip:<from>@carrier. A 401/407 is answered once with digest credentials (RFC 3261 §22.2,
// a new CSeq on the same Call-ID), a stale challenge once more. Any 2xx means the carrier took it (202 is usual):
// SIP brings back no message id, so there are no receipts to match. Over UDP a request above 1300 bytes is split
// into several MESSAGEs sent in order (RFC 3428 §9 and RFC 3261 §18.1.1 keep larger ones off UDP).
import { randomBytes } from 'node:crypto';
import { Headers, digestAuthorization, isStaleChallenge, newTag, pickChallenge, serializeMessage, type ClientOutcome, type SipRequest, type SipStack } from '../../../sip/index.ts';
import { resolveTrunkHost, type ResolveHost } from '../../trunks/trunk-host.ts';
import { sipSmsPort, sipUser, type SipSmsProvider } from './sip-message-provider-row.ts';
import type { OutboundSms, SmsDriver, SmsSendResult } from './sms-driver.ts';

/** What the driver needs of the node's SIP stack. */
export type SipMessageSender = Pick<SipStack, 'sendRequest' | 'sentBy'>;

export interface SipSmsOptions {
  /** How long one MESSAGE waits for its final answer, challenges included (default 10 s, as an HTTP gateway). */
  readonly timeoutMs?: number;
  /** Host name -> address (default: the system resolver, as trunks use). */
  readonly resolveHost?: ResolveHost;
  /** The most UTF-8 bytes one SMS text may take here (default 8 KiB: ten concatenated parts take under 3). */
  readonly maxTextBytes?: number;
}

/** RFC 3261 §18.1.1: "larger than 1300 bytes and the path MTU is unknown" -> not over UDP. */
const UDP_LIMIT = 1300;
/** What the stack adds to our request (Via with branch and rport, Max-Forwards, User-Agent), generously. */
const STACK_ALLOWANCE = 200;
/** An Authorization header (SHA-256 digest with qop, realm, opaque) once a challenge was answered, generously. */
const AUTH_ALLOWANCE = 450;
/** Challenges answered for one MESSAGE: one fresh, one stale. */
const MAX_ROUNDS = 3;
const CONTENT_TYPE = 'text/plain;charset=UTF-8';

export function sipMessageProvider(provider: SipSmsProvider, sip: SipMessageSender, options: SipSmsOptions = {}): SmsDriver {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const resolveHost = options.resolveHost ?? resolveTrunkHost;
  const maxTextBytes = options.maxTextBytes ?? 8192;
  return {
    async send(sms: OutboundSms): Promise<SmsSendResult> {
      try {
        const bytes = Buffer.byteLength(sms.text, 'utf8');
        if (bytes === 0) return { ok: false, error: 'the text is empty' };
        if (bytes > maxTextBytes) return { ok: false, error: `the text takes ${bytes} bytes, over the ${maxTextBytes}-byte limit of a SIP MESSAGE provider` };
        const address = await resolveHost(provider.host);
        if (address === undefined) return { ok: false, error: `SIP host not found: ${provider.host}` };
        const destination = { protocol: provider.transport, address: address.replace(/^\[|\]$/g, ''), port: sipSmsPort(provider) };
        const segments = provider.transport === 'udp' ? splitForUdp(sms.text, overhead(provider, sip, sms)) : [sms.text];
        for (const [index, text] of segments.entries()) {
          const outcome = await exchange(provider, sip, destination, { ...sms, text }, timeoutMs);
          if (outcome !== undefined) {
            const part = segments.length > 1 ? ` (MESSAGE ${index + 1} of ${segments.length}${index > 0 ? '; the ones before it were taken' : ''})` : '';
            return { ok: false, error: `${outcome}${part}` };
          }
        }
        return { ok: true, providerIds: [] };
      } catch (error) {
        // Never throws (SmsDriver): an unexpected failure is this SMS's error, without the text or numbers.
        return { ok: false, error: `SIP MESSAGE not sent: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300) };
      }
    },
  };
}

interface Target {
  readonly protocol: SipSmsProvider['transport'];
  readonly address: string;
  readonly port: number;
}

/** One MESSAGE with its challenge rounds; undefined when a 2xx came, else why not in words. */
async function exchange(provider: SipSmsProvider, sip: SipMessageSender, destination: Target, sms: OutboundSms, timeoutMs: number): Promise<string | undefined> {
  const ids = { callId: `${randomBytes(10).toString('hex')}@callgrid`, fromTag: newTag() };
  const deadline = Date.now() + timeoutMs;
  let authorization: { name: 'Authorization' | 'Proxy-Authorization'; value: string } | undefined;
  let answeredFresh = false;
  for (let round = 1; ; round++) {
    // §22.2 / §8.1.3.5: the retry with credentials is a new request: CSeq one higher, Call-ID and From tag kept.
    const request = buildMessage(provider, sms, ids, round, authorization);
    const sent = sip.sendRequest(request, destination);
    if (!sent.ok) return `SIP MESSAGE not sent: ${sent.error}`;
    const outcome = await within(sent.value.final, deadline - Date.now());
    if (outcome === undefined) return `the SIP carrier did not answer within ${timeoutMs} ms`;
    if (outcome.kind === 'timeout') return 'the SIP carrier did not answer (transaction timeout)';
    if (outcome.kind === 'transport-error') return `SIP transport error toward ${destination.protocol}:${destination.address}:${destination.port}`;
    if (outcome.kind === 'terminated') return 'the SIP stack stopped before the carrier answered';
    const { status, reason } = outcome.response;
    const answer = `SIP ${status} ${reason}`.replace(/[\r\n]/g, ' ').slice(0, 200);
    if (status >= 200 && status < 300) return undefined;
    if (status !== 401 && status !== 407) return answer;
    if (provider.auth === undefined) return `${answer} (the carrier asks for credentials: set pr_smsuser and pr_smspassword)`;
    if (round >= MAX_ROUNDS) return `${answer} (credentials refused)`;
    const challenge = pickChallenge(outcome.response.headers.getAll(status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate'));
    if (challenge === undefined) return `${answer} (no digest challenge we can answer)`;
    // A second plain challenge to credentials computed from a fresh nonce is a refusal; stale=true only asks again.
    if (answeredFresh && !isStaleChallenge(challenge)) return `${answer} (credentials refused)`;
    answeredFresh = true;
    const digest = digestAuthorization(challenge, { username: provider.auth.username, password: provider.auth.password }, { method: 'MESSAGE', uri: request.uri }, { nc: 1, cnonce: randomBytes(12).toString('hex') });
    if (!digest.ok) return `${answer} (cannot answer the challenge: ${digest.error})`;
    authorization = { name: status === 401 ? 'Authorization' : 'Proxy-Authorization', value: digest.value.header };
  }
}

/** The outcome, or undefined once `ms` passed (the transaction itself lives on until its Timer F). */
async function within(final: Promise<ClientOutcome>, ms: number): Promise<ClientOutcome | undefined> {
  if (ms <= 0) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([final, late]);
  } finally {
    clearTimeout(timer);
  }
}

function requestUri(provider: SipSmsProvider, to: string): string {
  const user = provider.userTemplate.replaceAll('{to}', sipUser(to));
  return `${provider.scheme}:${user}@${provider.host}${provider.port === undefined ? '' : `:${provider.port}`}${provider.params}`;
}

function buildMessage(provider: SipSmsProvider, sms: OutboundSms, ids: { callId: string; fromTag: string }, cseq: number, authorization: { name: string; value: string } | undefined): SipRequest {
  const headers = new Headers([
    ['From', `<${provider.scheme}:${sipUser(sms.from)}@${provider.host}>;tag=${ids.fromTag}`],
    ['To', `<${provider.scheme}:${sipUser(sms.to)}@${provider.host}>`],
    ['Call-ID', ids.callId],
    ['CSeq', `${cseq} MESSAGE`],
    ['Content-Type', CONTENT_TYPE],
    ...(authorization === undefined ? [] : ([[authorization.name, authorization.value]] as Array<[string, string]>)),
  ]);
  return { type: 'request', method: 'MESSAGE', uri: requestUri(provider, sms.to), version: 'SIP/2.0', headers, body: Buffer.from(sms.text, 'utf8') };
}

/** Bytes of a MESSAGE besides its body, as it will leave (stack headers and a possible Authorization included). */
function overhead(provider: SipSmsProvider, sip: SipMessageSender, sms: OutboundSms): number {
  const bare = serializeMessage(buildMessage(provider, { ...sms, text: '' }, { callId: `${'0'.repeat(20)}@callgrid`, fromTag: newTag() }, MAX_ROUNDS, undefined)).length;
  const sentBy = sip.sentBy(provider.transport);
  return bare + STACK_ALLOWANCE + (sentBy?.host.length ?? 64) + (provider.auth === undefined ? 0 : AUTH_ALLOWANCE + provider.auth.username.length + provider.host.length * 2);
}

/**
 * The text in pieces whose MESSAGE stays within 1300 bytes, cut between code points (never inside a UTF-8
 * sequence or a surrogate pair), preferring the last space of a piece so words stay whole.
 */
export function splitForUdp(text: string, overheadBytes: number): string[] {
  const budget = Math.max(160, UDP_LIMIT - overheadBytes);
  if (Buffer.byteLength(text, 'utf8') <= budget) return [text];
  const pieces: string[] = [];
  let current = '';
  let size = 0;
  for (const char of text) {
    const charBytes = Buffer.byteLength(char, 'utf8');
    if (size + charBytes > budget) {
      const space = current.lastIndexOf(' ');
      // Cut after the last space when it is in the second half of the piece; otherwise mid-word.
      const cut = space >= current.length / 2 ? space + 1 : current.length;
      pieces.push(current.slice(0, cut));
      current = current.slice(cut);
      size = Buffer.byteLength(current, 'utf8');
    }
    current += char;
    size += charBytes;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}
