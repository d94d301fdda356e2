// A phone's BLF subscription, spoken over a raw UDP socket for the e2e tests: SUBSCRIBE to a number's dialog state,
// the 407 answered with MD5 digest (qop=auth), every NOTIFY answered 200 as a phone does, and each message kept so a
// test can wait for one (e.g. the NOTIFY terminated;reason=deactivated a restarted node sends, RFC 6665 §4.1.3).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

export type Message = { readonly start: string; header(name: string): string | undefined };

function parse(text: string): Message {
  const lines = text.split('\r\n');
  return { start: lines[0] ?? '', header: (name) => lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.replace(/^[^:]*:\s*/, '') };
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

export interface RawSubscriber {
  readonly callId: string;
  readonly fromTag: string;
  /** The first NOTIFY (active) and the tag the node put in its From. */
  readonly active: Message;
  readonly ourTag: string | undefined;
  next(match: (m: Message) => boolean, what: string, timeoutMs?: number): Promise<Message>;
  close(): void;
}

export async function subscribeRaw(sipPort: number, account: { username: string; password: string }, target: string): Promise<RawSubscriber> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((bound) => socket.bind(0, '127.0.0.1', bound));
  // A test that fails before closing it must not hang the runner on an open socket.
  socket.unref();
  const local = `127.0.0.1:${String(socket.address().port)}`;
  const received: Message[] = [];
  let wake: (() => void) | undefined;
  socket.on('message', (data) => {
    const text = data.toString('utf8');
    const message = parse(text);
    received.push(message);
    if (message.start.startsWith('NOTIFY ')) {
      const vias = text.split('\r\n').filter((l) => /^via:/i.test(l));
      const copy = ['From', 'To', 'Call-ID', 'CSeq'].map((h) => `${h}: ${message.header(h) ?? ''}`);
      socket.send(['SIP/2.0 200 OK', ...vias, ...copy, 'Content-Length: 0', '', ''].join('\r\n'), sipPort, '127.0.0.1');
    }
    wake?.();
  });
  const next = async (match: (m: Message) => boolean, what: string, timeoutMs = 20_000): Promise<Message> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = received.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; got: ${received.map((m) => m.start).join(' | ')}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
  };
  const ruri = `sip:${target}@127.0.0.1:${String(sipPort)}`;
  const callId = `${randomBytes(6).toString('hex')}@subscriber`;
  const fromTag = `sub${randomBytes(3).toString('hex')}`;
  const subscribe = (cseq: number, auth?: string) =>
    socket.send(
      [`SUBSCRIBE ${ruri} SIP/2.0`, `Via: SIP/2.0/UDP ${local};branch=z9hG4bK${randomBytes(5).toString('hex')};rport`, 'Max-Forwards: 70', `From: <sip:${account.username}@127.0.0.1>;tag=${fromTag}`, `To: <${ruri}>`, `Call-ID: ${callId}`, `CSeq: ${String(cseq)} SUBSCRIBE`, `Contact: <sip:${account.username}@${local}>`, 'Event: dialog', 'Accept: application/dialog-info+xml', 'Expires: 600', ...(auth ? [`Proxy-Authorization: ${auth}`] : []), 'Content-Length: 0', '', ''].join('\r\n'),
      sipPort,
      '127.0.0.1',
    );
  try {
    subscribe(1);
    const challenge = (await next((m) => m.start.startsWith('SIP/2.0 407'), 'a 407')).header('Proxy-Authenticate') ?? '';
    const field = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(challenge)?.[1];
    const [realm, nonce, opaque] = [field('realm') ?? '', field('nonce') ?? '', field('opaque')];
    const cnonce = randomBytes(4).toString('hex');
    const response = md5(`${md5(`${account.username}:${realm}:${account.password}`)}:${nonce}:00000001:${cnonce}:auth:${md5(`SUBSCRIBE:${ruri}`)}`);
    subscribe(2, `Digest username="${account.username}", realm="${realm}", nonce="${nonce}", uri="${ruri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}"${opaque === undefined ? '' : `, opaque="${opaque}"`}`);
    const accepted = await next((m) => /^SIP\/2\.0 [2-9]\d\d/.test(m.start) && m.header('CSeq') === '2 SUBSCRIBE', 'an answer to the SUBSCRIBE with credentials');
    assert.match(accepted.start, /^SIP\/2\.0 200/);
    const active = await next((m) => m.start.startsWith('NOTIFY ') && /^active/.test(m.header('Subscription-State') ?? ''), 'the first NOTIFY');
    return { callId, fromTag, active, ourTag: /tag=([^;>\s]+)/.exec(active.header('From') ?? '')?.[1], next, close: () => {
      try {
        socket.close();
      } catch {
        // closed already
      }
    } };
  } catch (error) {
    socket.close();
    throw error;
  }
}

/** The checks on the NOTIFY a restarted node sends a subscription it lost: terminated;reason=deactivated, in its dialog. */
export async function expectDeactivated(subscriber: RawSubscriber): Promise<void> {
  const ended = await subscriber.next((m) => m.start.startsWith('NOTIFY ') && (m.header('Subscription-State') ?? '').startsWith('terminated'), 'a NOTIFY terminated after the restart');
  assert.equal(ended.header('Subscription-State'), 'terminated;reason=deactivated');
  assert.equal(ended.header('Event'), 'dialog');
  assert.equal(ended.header('Call-ID'), subscriber.callId);
  assert.match(ended.header('To') ?? '', new RegExp(`tag=${subscriber.fromTag}`));
  assert.match(ended.header('From') ?? '', new RegExp(`tag=${subscriber.ourTag ?? 'missing'}`));
  // Above the last NOTIFY the killed node sent (the dialog state is saved with a CSeq gap).
  assert.ok(Number.parseInt(ended.header('CSeq') ?? '', 10) > Number.parseInt(subscriber.active.header('CSeq') ?? '', 10), 'a CSeq above the first NOTIFY');
}
