// SmtpMailSender against a real SMTP server (npm smtp-server) on loopback: what arrives (envelope, To, Subject,
// From, Auto-Submitted, UTF-8 text), refused recipients, a wrong login that never shows the password, header injection
// refused before any connection, an unreachable server and one that never greets, and the per-tenant rate.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { FakeClock } from '../shared/index.ts';
import { createMailSender, MAIL_NOT_CONFIGURED, SmtpMailSender } from './index.ts';
import { SmtpPeer } from './smtp-peer.test-support.ts';

const T = { timeout: 20_000 };
const FROM = { name: 'Callgrid', address: 'pbx@node1.example.test' };
const server = (port: number, login?: { user: string; password: string }) => ({ host: '127.0.0.1', port, implicitTls: false, ...(login === undefined ? {} : { user: login.user, password: login.password }) });

describe('SmtpMailSender over a real SMTP server', () => {
  let peer: SmtpPeer;
  let authPeer: SmtpPeer;
  const login = { user: 'pbx', password: 'S3cret:p@ss' };

  before(async () => {
    peer = await SmtpPeer.start({ refuse: ['nobody@example.test'] });
    authPeer = await SmtpPeer.start({ login });
  });
  after(async () => {
    await peer.close();
    await authPeer.close();
  });

  test('a message arrives with its envelope, To, Subject, From, Auto-Submitted and UTF-8 text', T, async () => {
    const sender = new SmtpMailSender({ server: server(peer.port), from: FROM });
    const before = peer.received.length;
    const sent = await sender.send({ tenantId: 1, to: ['ops@example.test', 'boss@example.test'], subject: 'SMS from +41791112233 to +41445550100', text: 'Grüezi 👋\nline two' });
    assert.deepEqual(sent, { ok: true, accepted: ['ops@example.test', 'boss@example.test'], rejected: [] });
    const mail = (await peer.waitFor(before + 1)).at(-1);
    assert.equal(mail?.mailFrom, 'pbx@node1.example.test');
    assert.deepEqual(mail?.rcptTo, ['ops@example.test', 'boss@example.test']);
    assert.equal(mail?.headers.get('to'), 'ops@example.test, boss@example.test');
    assert.equal(mail?.headers.get('subject'), 'SMS from +41791112233 to +41445550100');
    assert.equal(mail?.headers.get('from'), 'Callgrid <pbx@node1.example.test>');
    assert.equal(mail?.headers.get('auto-submitted'), 'auto-generated');
    assert.equal(mail?.text.trimEnd(), 'Grüezi 👋\nline two');
    await sender.close();
  });

  test('a refused recipient: the others get it and the refusal is told; all refused is a failure with the reply', T, async () => {
    const sender = new SmtpMailSender({ server: server(peer.port), from: FROM });
    const before = peer.received.length;
    const partly = await sender.send({ tenantId: 1, to: ['ops@example.test', 'nobody@example.test'], subject: 's', text: 't' });
    assert.ok(partly.ok);
    assert.deepEqual([partly.accepted, partly.rejected], [['ops@example.test'], ['nobody@example.test']]);
    assert.match(partly.note ?? '', /refused nobody@example\.test: .*550.*no such user/);
    assert.deepEqual((await peer.waitFor(before + 1)).at(-1)?.rcptTo, ['ops@example.test']);
    const none = await sender.send({ tenantId: 1, to: ['nobody@example.test'], subject: 's', text: 't' });
    assert.equal(none.ok, false);
    assert.match(none.ok ? '' : none.error, /refused the message: .*550.*no such user/);
    assert.equal(peer.received.length, before + 1, 'nothing more arrived');
  });

  test('a login: the right one sends; a wrong one is refused and its password appears nowhere', T, async () => {
    const good = new SmtpMailSender({ server: server(authPeer.port, login), from: FROM });
    assert.equal((await good.send({ tenantId: 1, to: ['ops@example.test'], subject: 's', text: 't' })).ok, true);
    assert.equal((await authPeer.waitFor(1)).length, 1);
    const bad = new SmtpMailSender({ server: server(authPeer.port, { user: 'pbx', password: 'wrong-Pa55' }), from: FROM });
    const refused = await bad.send({ tenantId: 1, to: ['ops@example.test'], subject: 's', text: 't' });
    assert.equal(refused.ok, false);
    const error = refused.ok ? '' : refused.error;
    assert.match(error, /refused the login/);
    assert.ok(!error.includes('wrong-Pa55'));
    assert.equal(bad.describe(), `smtp://pbx:***@127.0.0.1:${authPeer.port}`);
    assert.equal(authPeer.received.length, 1);
  });

  test('a password over smtp:// to a host that is not loopback needs STARTTLS: without it the login is never sent', T, async () => {
    // ::ffff:127.0.0.1 reaches the loopback server but is not a loopback name to the sender, as a remote host would be.
    const remote = new SmtpMailSender({ server: { host: '::ffff:127.0.0.1', port: authPeer.port, implicitTls: false, user: login.user, password: login.password }, from: FROM });
    const [logins, received] = [authPeer.logins, authPeer.received.length];
    const outcome = await remote.send({ tenantId: 1, to: ['ops@example.test'], subject: 's', text: 't' });
    assert.deepEqual(outcome, { ok: false, error: 'the mail server offers no TLS (STARTTLS), which a password over smtp:// needs' });
    assert.deepEqual([authPeer.logins, authPeer.received.length], [logins, received]);
  });

  test('smtps:// to a server that does not speak TLS at once: a TLS failure, said so', T, async () => {
    const tls = new SmtpMailSender({ server: { ...server(peer.port), implicitTls: true }, from: FROM });
    const outcome = await tls.send({ tenantId: 1, to: ['ops@example.test'], subject: 's', text: 't' });
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? '' : outcome.error, /^TLS with the mail server failed/);
  });

  test('header injection is refused before any connection: CR/LF in the subject, a smuggled recipient', T, async () => {
    const sender = new SmtpMailSender({ server: server(peer.port), from: FROM });
    const connections = peer.connections;
    for (const message of [
      { tenantId: 1, to: ['ops@example.test'], subject: 'hi\r\nBcc: victim@example.test', text: 't' },
      { tenantId: 1, to: ['ops@example.test'], subject: 'hi\nX-Evil: 1', text: 't' },
      { tenantId: 1, to: ['ops@example.test\r\nBcc: victim@example.test'], subject: 's', text: 't' },
      { tenantId: 1, to: ['"a, b" <victim@example.test>'], subject: 's', text: 't' },
      { tenantId: 1, to: [], subject: 's', text: 't' },
    ]) {
      const outcome = await sender.send(message);
      assert.equal(outcome.ok, false, JSON.stringify(message));
      assert.match(outcome.ok ? '' : outcome.error, /^not sent: /);
    }
    assert.equal(peer.connections, connections, 'the server saw no connection');
  });

  test('no server listening, or one that never greets: a failure, not a hang', T, async () => {
    const closed = await freePort();
    const nobody = new SmtpMailSender({ server: server(closed), from: FROM });
    const unreachable = await nobody.send({ tenantId: 1, to: ['ops@example.test'], subject: 's', text: 't' });
    assert.deepEqual(unreachable, { ok: false, error: 'the mail server is unreachable (ECONNREFUSED)' });
    const { port, close } = await silentServer();
    try {
      const mute = new SmtpMailSender({ server: server(port), from: FROM, timeouts: { connectMs: 300, socketMs: 300, sendMs: 5000 } });
      const outcome = await mute.send({ tenantId: 1, to: ['ops@example.test'], subject: 's', text: 't' });
      assert.equal(outcome.ok, false);
      assert.match(outcome.ok ? '' : outcome.error, /unreachable|did not take the message/);
    } finally {
      await close();
    }
  });

  test('one tenant over its rate per minute is refused; another tenant is not; a minute later it sends again', T, async () => {
    const clock = new FakeClock('2026-12-05T10:00:00Z');
    const sender = new SmtpMailSender({ server: server(peer.port), from: FROM, clock, limits: { perTenantPerMinute: 2 } });
    const send = (tenantId: number) => sender.send({ tenantId, to: ['ops@example.test'], subject: `tenant ${tenantId}`, text: 't' });
    assert.equal((await send(7)).ok, true);
    assert.equal((await send(7)).ok, true);
    const third = await send(7);
    assert.deepEqual(third, { ok: false, error: 'not sent: tenant 7 sent 2 e-mails in the last minute (the limit)' });
    assert.equal((await send(8)).ok, true, 'another tenant still sends');
    clock.advance(60_001);
    assert.equal((await send(7)).ok, true);
  });

  test('without CALLGRID_SMTP_URL the sender answers not implemented; a bad URL or sender fails the start by name', async () => {
    const none = createMailSender({ smtpUrl: undefined, from: 'pbx@example.test' });
    assert.equal(none.configured, false);
    assert.deepEqual(await none.send({ tenantId: 1, to: ['ops@example.test'], subject: 's', text: 't' }), { ok: false, error: MAIL_NOT_CONFIGURED });
    assert.equal(MAIL_NOT_CONFIGURED, 'not implemented: no mail server configured (CALLGRID_SMTP_URL)');
    assert.throws(() => createMailSender({ smtpUrl: 'http://x', from: 'pbx@example.test' }), /CALLGRID_SMTP_URL: expected smtp:\/\/ or smtps:\/\//);
    assert.throws(() => createMailSender({ smtpUrl: 'smtp://127.0.0.1:25', from: 'Callgrid <pbx>' }), /CALLGRID_MAIL_FROM/);
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** A TCP server that takes connections and never says a word (no SMTP greeting). */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const tcp: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const address = tcp.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
