// CALLGRID_SMTP_URL: parsing, the log text without the password, and when a password requires TLS.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeSmtpServer, parseSmtpUrl, smtpTransportOptions } from './index.ts';

describe('the SMTP URL', () => {
  test('smtp:// and smtps:// with default ports, percent-encoded credentials', () => {
    assert.deepEqual(parseSmtpUrl('smtp://mail.example.test'), { ok: true, value: { host: 'mail.example.test', port: 587, implicitTls: false } });
    assert.deepEqual(parseSmtpUrl('smtps://pbx%40example.test:p%40ss%3Aword@mail.example.test'), { ok: true, value: { host: 'mail.example.test', port: 465, implicitTls: true, user: 'pbx@example.test', password: 'p@ss:word' } });
    assert.deepEqual(parseSmtpUrl('smtp://relay:25/'), { ok: true, value: { host: 'relay', port: 25, implicitTls: false } });
    assert.deepEqual(parseSmtpUrl('smtp://[::1]:2525'), { ok: true, value: { host: '::1', port: 2525, implicitTls: false } });
  });

  test('refusals say why and never repeat the password', () => {
    for (const [url, why] of [
      ['http://mail.example.test', 'expected smtp:// or smtps://, not http://'],
      ['smtp://u:topsecret@mail.example.test/path', 'the URL must end after host:port (no path)'],
      ['smtp://u:topsecret@mail.example.test?tls=off', 'the URL takes no query or fragment'],
      ['smtp://:topsecret@mail.example.test', 'a password needs a user (smtp://user:password@host)'],
      ['not a url', 'expected smtp://user:password@host:port or smtps://user:password@host:port'],
    ] as const) {
      assert.deepEqual(parseSmtpUrl(url), { ok: false, error: why }, url);
    }
  });

  test('the text for logs masks the password', () => {
    const parsed = parseSmtpUrl('smtps://pbx:topsecret@mail.example.test');
    assert.ok(parsed.ok);
    assert.equal(describeSmtpServer(parsed.value), 'smtps://pbx:***@mail.example.test:465');
  });

  test('a password over smtp:// requires STARTTLS unless the server is loopback; bounded timeouts; no file or URL access', () => {
    const options = (url: string) => {
      const parsed = parseSmtpUrl(url);
      assert.ok(parsed.ok);
      return smtpTransportOptions(parsed.value);
    };
    assert.equal(options('smtp://u:p@mail.example.test').requireTLS, true);
    assert.equal(options('smtp://u:p@127.0.0.1:25').requireTLS, false);
    assert.equal(options('smtp://mail.example.test').requireTLS, false);
    assert.equal(options('smtps://u:p@mail.example.test').secure, true);
    const o = options('smtp://mail.example.test');
    assert.deepEqual([o.connectionTimeout, o.greetingTimeout, o.socketTimeout, o.disableFileAccess, o.disableUrlAccess], [10_000, 10_000, 30_000, true, true]);
  });
});
