// Test support for the B2BUA against SIPp: a PbxNode on loopback UDP with a real SQLite store in a temp dir (tenant
// ACME, extensions 100 and 101), the store-backed call ports, a MediaRelay on a small port range, and helpers to run
// SIPp phones: 101 registers once (digest, 401), then each test runs one UAS (as 101) and one UAC (as 100).
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSipp } from '../../../test/support/sipp.ts';
import { MediaRelay, type RelaySession } from '../../media/index.ts';
import { silentLogger, systemClock } from '../../shared/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { CdrWriter } from '../cdr/index.ts';
import { StoreAccountDirectory, StoreBindingStore } from '../registrar/index.ts';
import { PbxNode } from '../pbx-node.ts';
import { ChannelRegistry, type LiveChannel } from './channel-registry.ts';
import { StoreCallDirectory } from './store-call-directory.ts';
import { StoreCarrierDirectory } from './carrier-directory.ts';
import { StoreRoutingDirectory } from '../dialplan/index.ts';
import { freeUdpPort } from '../../../test/support/free-port.ts';

export { freeUdpPort };

export const TENANT = 'ACME';
export const CALLER = { number: '100', username: `100-${TENANT}`, password: 'acme-100-secret', name: 'Alice' };
export const CALLEE = { number: '101', username: `101-${TENANT}`, password: 'acme-101-secret', name: 'Bob' };
export const RING_TIMEOUT_MS = 2000;
export const RTP_INACTIVITY_MS = 1500;

export interface SippRun {
  readonly code: number | null;
  readonly output: string;
}

export interface CallRig {
  readonly dir: string;
  readonly store: Store;
  readonly tenantId: number;
  /** ex_id of 101. */
  readonly calleeId: number;
  readonly node: PbxNode;
  readonly channels: ChannelRegistry;
  readonly relay: MediaRelay;
  readonly cdrs: CdrWriter;
  /** Every relay session the B2BUA opened, in order (their counters stay readable after close). */
  readonly sessions: RelaySession[];
  /** Every channel the registry ever saw added. */
  readonly channelLog: LiveChannel[];
  readonly pbxPort: number;
  /** The UDP port SIPp's 101 registered from; every UAS run binds it. */
  readonly uasPort: number;
  readonly uasMediaPort: number;
  readonly uacMediaPort: number;
  /** Registers 101 from uasPort (REGISTER, 401, REGISTER with digest, 200). */
  register(): Promise<SippRun>;
  /** Runs the callee (UAS scenario) and, once it listens, the caller (UAC scenario) at the same time. */
  call(uas: string, uac: string, extra?: { uac?: string[]; uas?: string[] }): Promise<{ uas: SippRun; uac: SippRun }>;
  /** Runs only a caller scenario. */
  uac(uac: string, extra?: string[]): Promise<SippRun>;
  close(): Promise<void>;
}

/** Resolves once `port` is bound by someone else (SIPp listening), or after `limitMs`. */
async function waitBound(port: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const socket = createSocket('udp4');
    const bound = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(true));
      socket.bind(port, '127.0.0.1', () => resolve(false));
    });
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
    if (bound) return;
    await sleep(20);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 20 ms until it holds or `limitMs` passes; returns its last value. */
export async function waitFor(check: () => boolean | Promise<boolean>, limitMs = 3000): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

const BOUNDS = ['-nostdin', '-timeout', '12s', '-timeout_error', '-recv_timeout', '6000', '-t', 'u1', '-i', '127.0.0.1', '-mi', '127.0.0.1', '-m', '1'];

/** An extension more than 100 and 101, in ACME or in a tenant of its own (created on first use). */
export interface RigAccount {
  readonly tenant: string;
  readonly number: string;
  readonly username: string;
  readonly password: string;
  readonly name: string;
}

export async function startCallRig(options: { accounts?: readonly RigAccount[] } = {}): Promise<CallRig> {
  const dir = mkdtempSync(join(tmpdir(), 'callgrid-sipp-b2bua-'));
  const store = openStore(`sqlite:${join(dir, 'callgrid.db')}`);
  await store.migrate();
  const tenant = await store.tenants.create({ te_code: TENANT, te_name: 'Acme' }, '2026-01-01 00:00:00');
  const extensionIds: number[] = [];
  for (const ext of [CALLER, CALLEE]) {
    const row = await store.objects('extension').insert(tenant.te_id, { ex_number: ext.number, ex_username: ext.username, ex_secret: ext.password, ex_tech: 'PJSIP', ex_name: ext.name });
    extensionIds.push(Number(row.ex_id));
  }
  const tenantIds = new Map([[TENANT, tenant.te_id]]);
  for (const account of options.accounts ?? []) {
    let tenantId = tenantIds.get(account.tenant);
    if (tenantId === undefined) {
      tenantId = (await store.tenants.create({ te_code: account.tenant, te_name: account.tenant }, '2026-01-01 00:00:00')).te_id;
      tenantIds.set(account.tenant, tenantId);
    }
    await store.objects('extension').insert(tenantId, { ex_number: account.number, ex_username: account.username, ex_secret: account.password, ex_tech: 'PJSIP', ex_name: account.name });
  }
  const accounts = new StoreAccountDirectory(store, systemClock, { realm: 'callgrid', domains: [], tenantCacheMs: 0 });
  const bindings = new StoreBindingStore(store.registrations);
  const channels = new ChannelRegistry();
  const channelLog: LiveChannel[] = [];
  channels.subscribe((channel, change) => {
    if (change === 'added') channelLog.push(channel);
  });
  // A small even range below the ephemeral ports (where SIPp's ports come from, freeUdpPort), placed at random so
  // parallel test files rarely meet; the pool skips ports it cannot bind.
  const portMin = 10_000 + 2 * Math.floor(Math.random() * 9_000);
  const relay = MediaRelay.create({ host: '127.0.0.1', portMin, portMax: portMin + 39, inactivityMs: RTP_INACTIVITY_MS, clock: systemClock, logger: silentLogger });
  const sessions: RelaySession[] = [];
  const open = relay.openSession.bind(relay);
  relay.openSession = async () => {
    const opened = await open();
    if (opened.ok) sessions.push(opened.value);
    return opened;
  };
  const cdrs = new CdrWriter(store.cdrs, silentLogger);
  const node = await PbxNode.start(
    { accounts, domains: accounts, bindings, clock: systemClock, logger: silentLogger, calls: { directory: new StoreCallDirectory(store, bindings, systemClock), routing: new StoreRoutingDirectory(store), carriers: new StoreCarrierDirectory(store, systemClock, 0), channels, relay, cdrs } },
    {
      nodeName: 'node-t',
      host: '127.0.0.1',
      port: 0,
      realm: 'callgrid',
      nonceSecret: 'b2bua sipp test: nonce secret bytes',
      digestAlgorithms: ['MD5'],
      qualifyIntervalMs: 3_600_000,
      ban: { maxFailures: 1000, windowMs: 60_000, banMs: 1000, trusted: [] },
      userAgent: 'callgrid-test',
      ringTimeoutMs: RING_TIMEOUT_MS,
    },
  );
  const pbxPort = node.stack.localEndpoint('udp')?.port ?? 0;
  const [uasPort, uasMediaPort, uacMediaPort] = [await freeUdpPort(), await freeUdpPort(), await freeUdpPort()];
  const pbx = `127.0.0.1:${String(pbxPort)}`;

  const write = (name: string, xml: string): string => {
    writeFileSync(join(dir, name), xml);
    return name;
  };
  let runs = 0;
  const runUas = (xml: string, extra: string[] = []): Promise<SippRun> =>
    runSipp(['-sf', write(`uas-${String(++runs)}.xml`, xml), ...BOUNDS, '-p', String(uasPort), '-mp', String(uasMediaPort), ...extra], dir, 15_000);
  // The caller's own port is chosen too: SIPp's default, 5060, is shared with every other SIPp the suite runs at once.
  // No -auth_uri, here and in register: SIPp's default digest uri (sip:<remote ip>:<port>, not the Request-URI) is
  // what a real MiRTA client sends, and the node accepts it unless CALLGRID_SIP_DIGEST_URI_STRICT is set.
  const runUac = async (xml: string, extra: string[] = []): Promise<SippRun> =>
    runSipp([pbx, '-sf', write(`uac-${String(++runs)}.xml`, xml), ...BOUNDS, '-p', String(await freeUdpPort()), '-mp', String(uacMediaPort), ...extra], dir, 15_000);

  return {
    dir, store, tenantId: tenant.te_id, calleeId: extensionIds[1] ?? 0, node, channels, relay, cdrs, sessions, channelLog, pbxPort, uasPort, uasMediaPort, uacMediaPort,
    register: () => runSipp([pbx, '-sf', write('register.xml', registerScenario()), ...BOUNDS, '-p', String(uasPort)], dir, 15_000),
    async call(uas, uac, extra = {}) {
      const callee = runUas(uas, extra.uas);
      await waitBound(uasPort, 2000);
      const caller = runUac(uac, extra.uac);
      const [a, b] = await Promise.all([callee, caller]);
      return { uas: a, uac: b };
    },
    uac: (xml, extra) => runUac(xml, extra),
    async close() {
      await node.stop();
      relay.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A SIPp scenario that registers `account` (default the callee) with digest: REGISTER, 401, REGISTER with credentials, 200. */
export function registerScenario(account: { readonly username: string; readonly password: string } = CALLEE): string {
  const headers = (cseq: number, auth: string): string => `
      REGISTER sip:127.0.0.1 SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:${account.username}@127.0.0.1>;tag=[pid]reg[call_number]
      To: <sip:${account.username}@127.0.0.1>
      Call-ID: [call_id]
      CSeq: ${String(cseq)} REGISTER
      Contact: <sip:${account.username}@[local_ip]:[local_port]>
      Expires: 3600${auth}
      Max-Forwards: 70
      User-Agent: SIPp-101
      Content-Length: 0
`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="register-101">
  <send retrans="500"><![CDATA[${headers(1, '')}
    ]]></send>
  <recv response="401" auth="true" />
  <send retrans="500"><![CDATA[${headers(2, `\n      [authentication username=${account.username} password=${account.password}]`)}
    ]]></send>
  <recv response="200" />
</scenario>
`;
}
