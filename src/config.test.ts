// Settings: defaults, a JSON config file, CALLGRID_* variables, and errors that name the setting.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.ts';
import { PbxError } from './shared/index.ts';

const dirs: string[] = [];
/** An empty working directory (so no ./callgrid.json is picked up by accident). */
function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'callgrid-config-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function writeJson(dir: string, name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function invalidConfig(...mentions: string[]): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof PbxError, `expected a PbxError, got ${String(error)}`);
    assert.equal(error.code, 'invalid_config');
    for (const text of mentions) assert.ok(error.message.includes(text), `'${error.message}' mentions ${text}`);
    return true;
  };
}

describe('loadConfig', () => {
  test('defaults', () => {
    const cwd = workDir();
    const config = loadConfig({}, cwd);
    assert.deepEqual(config, {
      httpPort: 8080,
      httpHost: '0.0.0.0',
      sipPort: 5060,
      sipHost: '0.0.0.0',
      sipWsPort: undefined,
      sipRealm: 'callgrid',
      sipDomains: [],
      sipDigestAlgorithms: ['MD5'],
      sipDigestUriStrict: false,
      sipNonceSecret: undefined,
      sipMinExpiresSeconds: 60,
      sipMaxExpiresSeconds: 3600,
      sipMaxContacts: 5,
      sipQualifySeconds: 60,
      sipBanFailures: 5,
      sipBanWindowSeconds: 600,
      sipBanSeconds: 1800,
      sipTrustedNetworks: [],
      sipMaxConnections: 1024,
      sipMaxConnectionsPerAddress: 100,
      sipFirstRequestSeconds: 10,
      rtpHost: undefined,
      rtpAddress: undefined,
      rtpPortMin: 10000,
      rtpPortMax: 20000,
      rtpThread: 'worker',
      rtpWorkers: undefined,
      rtpengineNg: undefined,
      rtpTimeoutSeconds: 30,
      ringSeconds: 60,
      tenantCallSharePercent: 50,
      extensionMaxCalls: 10,
      maxCallSeconds: 0,
      dataDir: join(cwd, 'data'),
      databaseUrl: `sqlite:${join(cwd, 'data', 'callgrid.db')}`,
      nodeName: hostname().split('.')[0] || 'callgrid',
      logLevel: 'info',
      publicUrl: 'http://localhost:8080',
      serviceEndDate: undefined,
      demoTenant: 'DEMO',
      lookupCacheSeconds: 2,
      smsUrlInternalHosts: false,
      authFailureLimit: 20,
      authFailureWindowSeconds: 60,
      authBanSeconds: 300,
      shutdownTimeoutSeconds: 10,
      drainSeconds: 300,
      heartbeatSeconds: 5,
      sipMessageExpiryDays: 7,
      sipMessageTenantCap: 1000,
      smtpUrl: undefined,
      mailFrom: `Callgrid <pbx@${/^[A-Za-z0-9.-]+$/.test(hostname()) ? hostname() : 'localhost'}>`,
    });
  });

  test('CALLGRID_* variables override the defaults, typed', () => {
    const cwd = workDir();
    const config = loadConfig(
      {
        CALLGRID_HTTP_PORT: '9090',
        CALLGRID_HTTP_HOST: '127.0.0.1',
        CALLGRID_SIP_PORT: '5080',
        CALLGRID_DATA_DIR: 'var/lib',
        CALLGRID_NODE_NAME: 'node-2.east',
        CALLGRID_LOG_LEVEL: 'debug',
        CALLGRID_SERVICE_END_DATE: '2027-06-30',
        CALLGRID_DEMO_TENANT: 'TRIAL',
        CALLGRID_LOOKUP_CACHE_SECONDS: '0',
        CALLGRID_AUTH_FAILURE_LIMIT: '5',
        CALLGRID_AUTH_FAILURE_WINDOW_SECONDS: '30',
        CALLGRID_AUTH_BAN_SECONDS: '600',
        CALLGRID_SHUTDOWN_TIMEOUT_SECONDS: '3',
        CALLGRID_DRAIN_SECONDS: '45',
        CALLGRID_HEARTBEAT_SECONDS: '2',
        CALLGRID_SIP_MESSAGE_EXPIRY_DAYS: '30',
        CALLGRID_SIP_MESSAGE_TENANT_CAP: '50',
      },
      cwd,
    );
    assert.equal(config.httpPort, 9090);
    assert.equal(config.httpHost, '127.0.0.1');
    assert.equal(config.sipPort, 5080);
    assert.equal(config.dataDir, join(cwd, 'var', 'lib'), 'a relative data dir is resolved against cwd');
    assert.equal(config.databaseUrl, `sqlite:${join(cwd, 'var', 'lib', 'callgrid.db')}`, 'the default database follows the data dir');
    assert.equal(config.nodeName, 'node-2.east');
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.publicUrl, 'http://127.0.0.1:9090', 'the default public URL follows host and port');
    assert.equal(config.serviceEndDate, '2027-06-30');
    assert.equal(config.demoTenant, 'TRIAL');
    assert.equal(config.lookupCacheSeconds, 0);
    assert.equal(config.authFailureLimit, 5);
    assert.equal(config.authFailureWindowSeconds, 30);
    assert.equal(config.authBanSeconds, 600);
    assert.equal(config.shutdownTimeoutSeconds, 3);
    assert.equal(config.drainSeconds, 45);
    assert.equal(config.heartbeatSeconds, 2);
    assert.equal(config.sipMessageExpiryDays, 30);
    assert.equal(config.sipMessageTenantCap, 50);
  });

  test('a heartbeat or a message limit out of range stops the start naming the variable', () => {
    const cwd = workDir();
    assert.throws(() => loadConfig({ CALLGRID_HEARTBEAT_SECONDS: '0' }, cwd), /CALLGRID_HEARTBEAT_SECONDS.*1-60/);
    assert.throws(() => loadConfig({ CALLGRID_SIP_MESSAGE_EXPIRY_DAYS: '1000' }, cwd), /CALLGRID_SIP_MESSAGE_EXPIRY_DAYS.*1-365/);
    assert.throws(() => loadConfig({ CALLGRID_SIP_MESSAGE_TENANT_CAP: 'lots' }, cwd), /CALLGRID_SIP_MESSAGE_TENANT_CAP/);
  });

  test('an explicit public URL is kept; a wildcard host gives localhost in the default one', () => {
    const cwd = workDir();
    assert.equal(loadConfig({ CALLGRID_PUBLIC_URL: 'https://pbx.example.com' }, cwd).publicUrl, 'https://pbx.example.com');
    assert.equal(loadConfig({ CALLGRID_HTTP_HOST: '::', CALLGRID_HTTP_PORT: '81' }, cwd).publicUrl, 'http://localhost:81');
    assert.throws(() => loadConfig({ CALLGRID_PUBLIC_URL: 'not a url' }, cwd), invalidConfig('CALLGRID_PUBLIC_URL'));
  });

  test('an absolute data dir is kept as given', () => {
    const cwd = workDir();
    const data = join(workDir(), 'store');
    const config = loadConfig({ CALLGRID_DATA_DIR: data }, cwd);
    assert.equal(config.dataDir, data);
    assert.equal(config.databaseUrl, `sqlite:${join(data, 'callgrid.db')}`);
  });

  test('a JSON config file named by CALLGRID_CONFIG (absolute or relative to cwd) is read', () => {
    const cwd = workDir();
    mkdirSync(join(cwd, 'etc'));
    const path = writeJson(join(cwd, 'etc'), 'callgrid.json', { httpPort: 7000, logLevel: 'warn', dataDir: '/srv/callgrid', authBanSeconds: '120' });
    for (const named of [path, 'etc/callgrid.json']) {
      const config = loadConfig({ CALLGRID_CONFIG: named }, cwd);
      assert.equal(config.httpPort, 7000, named);
      assert.equal(config.logLevel, 'warn', named);
      assert.equal(config.dataDir, '/srv/callgrid', named);
      assert.equal(config.databaseUrl, 'sqlite:/srv/callgrid/callgrid.db', named);
      assert.equal(config.authBanSeconds, 120, named);
      assert.equal(config.sipPort, 5060, 'settings absent from the file keep their default');
    }
  });

  test('./callgrid.json is read when present and CALLGRID_CONFIG is not set', () => {
    const cwd = workDir();
    writeJson(cwd, 'callgrid.json', { sipPort: 5070 });
    assert.equal(loadConfig({}, cwd).sipPort, 5070);
  });

  test('an environment variable beats the file', () => {
    const cwd = workDir();
    const path = writeJson(cwd, 'settings.json', { httpPort: 7000, nodeName: 'from-file', demoTenant: 'FILE' });
    const config = loadConfig({ CALLGRID_CONFIG: path, CALLGRID_HTTP_PORT: '7001', CALLGRID_DEMO_TENANT: 'ENV' }, cwd);
    assert.equal(config.httpPort, 7001);
    assert.equal(config.demoTenant, 'ENV');
    assert.equal(config.nodeName, 'from-file');
  });

  test('an invalid CALLGRID_HTTP_PORT is refused with a message naming CALLGRID_HTTP_PORT', () => {
    const cwd = workDir();
    for (const value of ['abc', '70000', '80.5', '-1', '8080x']) {
      assert.throws(() => loadConfig({ CALLGRID_HTTP_PORT: value }, cwd), invalidConfig('CALLGRID_HTTP_PORT', value), value);
    }
  });

  test('other invalid variables are refused naming their variable', () => {
    const cwd = workDir();
    const bad: Array<[string, string]> = [
      ['CALLGRID_SIP_PORT', '65536'],
      ['CALLGRID_LOG_LEVEL', 'verbose'],
      ['CALLGRID_NODE_NAME', 'bad name'],
      ['CALLGRID_LOOKUP_CACHE_SECONDS', '1.5'],
      ['CALLGRID_AUTH_FAILURE_LIMIT', '0'],
      ['CALLGRID_AUTH_BAN_SECONDS', '-5'],
      ['CALLGRID_SERVICE_END_DATE', '30/06/2027'],
      ['CALLGRID_DEMO_TENANT', 'has-dash'],
      ['CALLGRID_DATABASE_URL', 'mysql://root@localhost/pbx'],
    ];
    for (const [name, value] of bad) assert.throws(() => loadConfig({ [name]: value }, cwd), invalidConfig(name, value), name);
  });

  test('an invalid value in the file is refused naming the setting and the file', () => {
    const cwd = workDir();
    const path = writeJson(cwd, 'bad.json', { httpPort: 'eighty' });
    assert.throws(() => loadConfig({ CALLGRID_CONFIG: path }, cwd), invalidConfig('httpPort', path, 'eighty'));
  });

  test('an unknown key in the file is refused, named', () => {
    const cwd = workDir();
    const path = writeJson(cwd, 'typo.json', { httpPort: 8081, htppPort: 8082 });
    assert.throws(() => loadConfig({ CALLGRID_CONFIG: path }, cwd), invalidConfig("'htppPort'", path));
  });

  test('a missing, unparsable or non-object file is refused naming the file', () => {
    const cwd = workDir();
    const missing = join(cwd, 'missing.json');
    assert.throws(() => loadConfig({ CALLGRID_CONFIG: missing }, cwd), invalidConfig(missing));
    for (const [name, text] of [['broken.json', '{"httpPort": 80'], ['array.json', '[1, 2]'], ['null.json', 'null'], ['number.json', '8080']] as const) {
      const path = writeJson(cwd, name, text);
      assert.throws(() => loadConfig({ CALLGRID_CONFIG: path }, cwd), invalidConfig(path), name);
    }
  });

  test('PostgreSQL and SQLite database URLs are accepted as given', () => {
    const cwd = workDir();
    for (const url of ['postgres://callgrid:pw@db.example.com:5432/callgrid', 'postgresql://postgres@127.0.0.1/test', 'POSTGRES://u@h/d', 'sqlite::memory:', 'sqlite:/var/lib/callgrid/pbx.db']) {
      assert.equal(loadConfig({ CALLGRID_DATABASE_URL: url }, cwd).databaseUrl, url);
    }
    const path = writeJson(cwd, 'pg.json', { databaseUrl: 'postgres://u@h/d' });
    assert.equal(loadConfig({ CALLGRID_CONFIG: path }, cwd).databaseUrl, 'postgres://u@h/d');
  });

  test(
    'an empty CALLGRID_DEMO_TENANT means no demo tenant, as its validation message promises',
    () => {
      const cwd = workDir();
      assert.equal(loadConfig({ CALLGRID_DEMO_TENANT: '' }, cwd).demoTenant, '');
      const path = writeJson(cwd, 'nodemo.json', { demoTenant: '' });
      assert.equal(loadConfig({ CALLGRID_CONFIG: path }, cwd).demoTenant, '');
    },
  );

  test(
    'a service end date that does not exist is refused',
    () => {
      const cwd = workDir();
      for (const value of ['2027-02-30', '2027-02-29', '2027-04-31']) {
        assert.throws(() => loadConfig({ CALLGRID_SERVICE_END_DATE: value }, cwd), invalidConfig('CALLGRID_SERVICE_END_DATE', value), value);
      }
    },
  );
});

test('SIP lists come as comma lists in the environment; bad values name the variable', () => {
  const config = loadConfig({ CALLGRID_SIP_DOMAINS: 'pbx.example.com, sip.example.com', CALLGRID_SIP_TRUSTED_NETWORKS: '10.0.0.0/8', CALLGRID_SIP_DIGEST_ALGORITHMS: 'MD5,SHA-256' }, '/tmp');
  assert.deepEqual(config.sipDomains, ['pbx.example.com', 'sip.example.com']);
  assert.deepEqual(config.sipTrustedNetworks, ['10.0.0.0/8']);
  assert.deepEqual(config.sipDigestAlgorithms, ['MD5', 'SHA-256']);
  assert.throws(() => loadConfig({ CALLGRID_SIP_DIGEST_ALGORITHMS: 'SHA-1' }, '/tmp'), /CALLGRID_SIP_DIGEST_ALGORITHMS/);
  assert.throws(() => loadConfig({ CALLGRID_SIP_REALM: 'has space' }, '/tmp'), /CALLGRID_SIP_REALM/);
});

test('CALLGRID_SIP_DIGEST_URI_STRICT takes true/false words or a JSON boolean; anything else names the variable', () => {
  assert.equal(loadConfig({ CALLGRID_SIP_DIGEST_URI_STRICT: 'true' }, '/tmp').sipDigestUriStrict, true);
  assert.equal(loadConfig({ CALLGRID_SIP_DIGEST_URI_STRICT: 'no' }, '/tmp').sipDigestUriStrict, false);
  const cwd = workDir();
  writeFileSync(join(cwd, 'callgrid.json'), JSON.stringify({ sipDigestUriStrict: true }));
  assert.equal(loadConfig({}, cwd).sipDigestUriStrict, true);
  assert.throws(() => loadConfig({ CALLGRID_SIP_DIGEST_URI_STRICT: 'maybe' }, '/tmp'), invalidConfig('CALLGRID_SIP_DIGEST_URI_STRICT', 'expected true or false'));
});

test('CALLGRID_SMTP_URL and CALLGRID_MAIL_FROM: read as given; a bad one names the variable and never shows the password', () => {
  const config = loadConfig({ CALLGRID_SMTP_URL: 'smtps://pbx:s3cret@mail.example.com:465', CALLGRID_MAIL_FROM: 'ACME PBX <pbx@acme.example.com>' }, '/tmp');
  assert.equal(config.smtpUrl, 'smtps://pbx:s3cret@mail.example.com:465');
  assert.equal(config.mailFrom, 'ACME PBX <pbx@acme.example.com>');
  assert.equal(loadConfig({ CALLGRID_SMTP_URL: '' }, '/tmp').smtpUrl, undefined, 'empty: no mail server');
  const refusal = (env: NodeJS.ProcessEnv): string => {
    try {
      loadConfig(env, '/tmp');
    } catch (error) {
      return (error as Error).message;
    }
    return 'accepted';
  };
  const bad = refusal({ CALLGRID_SMTP_URL: 'smtp://pbx:p@ss-w0rd@mail.example.com/x' });
  assert.equal(bad, "Invalid setting CALLGRID_SMTP_URL='smtp://pbx:***@mail.example.com/x': the URL must end after host:port (no path)");
  assert.ok(!bad.includes('w0rd'));
  assert.match(refusal({ CALLGRID_SMTP_URL: 'http://mail.example.com' }), /CALLGRID_SMTP_URL.*expected smtp:\/\/ or smtps:\/\//);
  assert.throws(() => loadConfig({ CALLGRID_MAIL_FROM: 'PBX <pbx@acme.example.com>\r\nBcc: x@y.example' }, '/tmp'), invalidConfig('CALLGRID_MAIL_FROM'));
});
