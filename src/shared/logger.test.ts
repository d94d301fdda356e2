// Secrets never reach a log line: redacted URLs, and pino's redaction of secret fields.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, redactUrl } from './logger.ts';

describe('redactUrl', () => {
  test('hides the values of key, password and token, and keeps everything else', () => {
    assert.equal(
      redactUrl('http://pbx.example.com/pbx/proxyapi.php?key=0123abcd&tenant=ACME&reqtype=INFO&password=hunter2&token=t0k3n'),
      'http://pbx.example.com/pbx/proxyapi.php?key=[REDACTED]&tenant=ACME&reqtype=INFO&password=[REDACTED]&token=[REDACTED]',
    );
  });

  test('works whatever the position and case of the parameter, and for every occurrence', () => {
    assert.equal(redactUrl('/api?KEY=abc'), '/api?KEY=[REDACTED]');
    assert.equal(redactUrl('/api?tenant=X&Password=p&key=a&key=b'), '/api?tenant=X&Password=[REDACTED]&key=[REDACTED]&key=[REDACTED]');
    assert.equal(redactUrl('/api?apikey=abc&secret=s&jsondata=%7B%22us_password%22%3A%22x%22%7D#top'), '/api?apikey=[REDACTED]&secret=[REDACTED]&jsondata=[REDACTED]#top');
  });

  test('an empty value is marked redacted too; a URL without secrets is unchanged', () => {
    assert.equal(redactUrl('/api?key=&tenant=X'), '/api?key=[REDACTED]&tenant=X');
    assert.equal(redactUrl('/pbx/proxyapi.php'), '/pbx/proxyapi.php');
    assert.equal(redactUrl('/pbx/proxyapi.php?tenant=ACME&reqtype=HELP'), '/pbx/proxyapi.php?tenant=ACME&reqtype=HELP');
  });

  test('parameters whose names merely contain a secret word are kept', () => {
    assert.equal(redactUrl('/api?monkey=banana&keyboard=qwerty&tokens=3'), '/api?monkey=banana&keyboard=qwerty&tokens=3');
  });
});

describe('createLogger', () => {
  function capture(level = 'info') {
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        chunks.push(String(chunk));
        callback();
      },
    });
    const logger = createLogger(level, destination);
    return {
      logger,
      async output(): Promise<string> {
        logger.flush();
        await new Promise((resolve) => setImmediate(resolve));
        return chunks.join('');
      },
    };
  }

  const SECRETS = {
    key: 'SECRET-KEY-1111',
    password: 'SECRET-PASSWORD-2222',
    authorization: 'Bearer SECRET-AUTH-3333',
    jsondata: '{"us_password":"SECRET-JSONDATA-4444"}',
    token: 'SECRET-TOKEN-5555',
    apikey: 'SECRET-APIKEY-6666',
    secret: 'SECRET-SIP-7777',
    'x-api-key': 'SECRET-XAPIKEY-8888',
    us_password: 'SECRET-USPASSWORD-9999',
    fullKey: 'SECRET-FULLKEY-AAAA',
    readOnlyKey: 'SECRET-READONLYKEY-BBBB',
    adminKey: 'SECRET-ADMINKEY-CCCC',
  } as const;

  function assertNoSecret(text: string): void {
    for (const value of Object.values(SECRETS)) assert.ok(!text.includes(value), `leaked ${value} in ${text}`);
    assert.ok(!text.includes('SECRET-'), `leaked a secret in ${text}`);
  }

  test('writes JSON lines with the level, message and ordinary fields', async () => {
    const { logger, output } = capture();
    logger.info({ tenant: 'ACME', status: 200 }, 'hello');
    logger.debug({ tenant: 'ACME' }, 'not at info level');
    const lines = (await output()).trim().split('\n');
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(line.msg, 'hello');
    assert.equal(line.level, 30);
    assert.equal(line.app, 'callgrid');
    assert.equal(line.tenant, 'ACME');
    assert.equal(line.status, 200);
  });

  test('top-level secret fields are written as [REDACTED]', async () => {
    const { logger, output } = capture();
    logger.info({ ...SECRETS, tenant: 'ACME' }, 'request');
    const text = await output();
    assertNoSecret(text);
    const line = JSON.parse(text) as Record<string, unknown>;
    for (const field of Object.keys(SECRETS)) assert.equal(line[field], '[REDACTED]', field);
    assert.equal(line.tenant, 'ACME');
  });

  test('secret fields in nested objects and arrays are redacted', async () => {
    const { logger, output } = capture();
    logger.warn(
      {
        req: { headers: { authorization: SECRETS.authorization, 'x-api-key': SECRETS['x-api-key'], host: 'pbx' }, query: { key: SECRETS.key } },
        user: { us_password: SECRETS.us_password, us_username: 'alice' },
        body: { jsondata: SECRETS.jsondata, password: SECRETS.password },
        created: { tenant: { fullKey: SECRETS.fullKey, readOnlyKey: SECRETS.readOnlyKey } },
        users: [{ password: SECRETS.password }],
      },
      'nested',
    );
    const text = await output();
    assertNoSecret(text);
    const line = JSON.parse(text) as { req: { headers: Record<string, string> }; user: Record<string, string> };
    assert.equal(line.req.headers.host, 'pbx');
    assert.equal(line.user.us_username, 'alice');
  });

  test('secrets in child logger bindings are redacted', async () => {
    const { logger, output } = capture();
    logger.child({ key: SECRETS.key, password: SECRETS.password }).error({ token: SECRETS.token }, 'child');
    assertNoSecret(await output());
  });

  test(
    'secret fields are redacted at any depth',
    async () => {
      const { logger, output } = capture();
      logger.info({ request: { context: { query: { key: SECRETS.key } } }, a: { b: { c: { d: { password: SECRETS.password } } } } }, 'deep');
      assertNoSecret(await output());
    },
  );
});
