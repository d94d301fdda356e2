// Composition root: load config, open the store, build services and the HTTP
// edge, serve. The only file that wires concrete classes together.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { Hono } from 'hono';
import { createApp, createHttpListener } from './api/index.ts';
import type { Config } from './config.ts';
import { MediaRelay, MediaRelayPool, ThreadedMediaRelay, type MediaRelayControl } from './media/index.ts';
import { NgClient, parseNgAddress } from './media/index.ts';
import { SystemPrompts } from './media/index.ts';
import { BatchingCdrSink, CdrWriter, ChannelRegistry, NodeDrainer, PbxNode, SettlingCdrSink, StoreAccountDirectory, StoreBindingStore, StoreCallDirectory, StoreCarrierDirectory, StoreConditionDirectory, StoreExtensionRows, StoreDisaDirectory, StoreFeatureActions, StoreFollowMeDirectory, StoreHuntlistDirectory, StoreIdentitySettings, StoreIvrDirectory, StoreMohDirectory, StoreRecordingSettings, StoreRoutingDirectory, StoreTrunkDirectory, SubscriptionJournal, storeRoutingStepPorts } from './pbx/index.ts';
import { StoreMessageCarriers, StoreMessageStore } from './pbx/messaging/index.ts';
import { MediaOffload, OffloadingRelay } from './pbx/index.ts';
import { createServices, type FirstStartCredentials, type Services } from './services/index.ts';
import { createMailSender } from './mail/index.ts';
import { createLogger, systemClock, type Clock, type Logger } from './shared/index.ts';
import { openStore, type Store } from './store/index.ts';

export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly services: Services;
  /** The live call registry of this node (filled by the B2BUA). */
  readonly channels: ChannelRegistry;
  readonly app: Hono;
  /** What /healthz tells: set while the node drains. */
  readonly health: { draining: boolean };
  /** Migrations applied by this start (empty when the schema was up to date). */
  readonly migrated: readonly string[];
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly store?: Store;
}

/** Everything but the listening socket: used by `start`, the CLI and in-process tests. */
export async function buildRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const store = overrides.store ?? openStore(config.databaseUrl, { onConnectionError: (error) => logger.warn({ err: error }, 'database connection lost; the pool reconnects') });
  const migrated = await store.migrate();
  const channels = new ChannelRegistry();
  // No CALLGRID_SMTP_URL: a sender that answers not implemented, so features that mail say so.
  const mail = createMailSender({ smtpUrl: config.smtpUrl, from: config.mailFrom });
  const services = createServices(
    { store, clock: overrides.clock ?? systemClock, channels, logger, mail },
    {
      nodeName: config.nodeName,
      serviceEndDate: config.serviceEndDate,
      lookupCacheMs: config.lookupCacheSeconds * 1000,
      throttle: { maxFailures: config.authFailureLimit, windowMs: config.authFailureWindowSeconds * 1000, banMs: config.authBanSeconds * 1000 },
      media: { dataDir: config.dataDir },
      smsUrlInternalHosts: config.smsUrlInternalHosts,
    },
  );
  const health = { draining: false };
  const app = createApp(services, { logger, health });
  const close = async (): Promise<void> => {
    // SMPP sessions opened by a send (the CLI, in-process tests) are unbound before the store goes.
    await services.sms.stop();
    await services.mail.close();
    await store.close();
  };
  return { config, logger, store, services, channels, app, health, migrated, close };
}

export interface RunningServer {
  readonly runtime: Runtime;
  readonly url: string;
  /** Keys made by this start, when it was the first one. */
  readonly firstStart: FirstStartCredentials | undefined;
  /** Where SIP really listens: each transport's bound address and port (the banner tells these). */
  readonly sipListeners: ReadonlyArray<{ readonly protocol: string; readonly address: string; readonly port: number }>;
  /** Ends every call and stops (also ends a drain in progress at once). */
  stop(): Promise<void>;
  /**
   * Refuses new calls, lets those in progress end within CALLGRID_DRAIN_SECONDS (the rest are hung up), then stops
   * as stop() does. Resolves once stopped.
   */
  drain(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const runtime = await buildRuntime(config);
  const firstStart = await runtime.services.bootstrap.firstStart(config.demoTenant || undefined);
  if (firstStart) writeCredentials(config, firstStart);

  const relay = createRelay(config, runtime.logger);
  const lookups = callLookups(config, runtime);
  // CALLGRID_RTPENGINE_NG: plain two-party calls' media on rtpengine (pbx/calls/media-offload.ts), the rest on the relay.
  const media = config.rtpengineNg === undefined ? relay : await rtpengineRelay(config, runtime, relay, lookups);
  // CDR rows of calls ended close together share one commit (batching-cdr-sink.ts); those of calls ended at
  // shutdown are written before the store closes.
  const cdrSink = new SettlingCdrSink(new BatchingCdrSink(runtime.store.cdrs));
  const sip = await startSip(config, runtime, media, cdrSink, lookups);
  // Active BLF/presence subscriptions are journaled: a node killed without warning ends them at its next start.
  const subscriptionJournal = new SubscriptionJournal(runtime.store.liveCalls, systemClock, runtime.logger, { nodeName: config.nodeName });
  sip.presence.subscriptions.attachJournal(subscriptionJournal);
  const drainer = new NodeDrainer(sip.b2bua, runtime.logger);
  runtime.services.peers.attach(sip);
  runtime.services.calls.attach(sip.b2bua);
  runtime.services.blf.attach(sip.presence.tracker);
  runtime.services.flows.attach(sip.presence.tracker);
  runtime.services.sms.attach(sip.messaging);
  runtime.services.sms.attachSip(sip.stack);
  runtime.services.inboundSms.attach(sip.messaging);
  runtime.services.inboundSms.attachSip(sip.stack);
  // SIP MESSAGEs from carriers are inbound SMS on DIDs: voice carriers recognised as their INVITEs are, and SIP MESSAGE SMS providers by pr_smsurl.
  const carrierCacheMs = config.lookupCacheSeconds * 1000;
  const voiceCarriers = new StoreCarrierDirectory(runtime.store, systemClock, carrierCacheMs);
  sip.messaging?.attachTrunks({ carriers: new StoreMessageCarriers(voiceCarriers, runtime.store, systemClock, carrierCacheMs), inbound: runtime.services.inboundSms });
  const smppSync = keepSmppBound(runtime);

  const server = await listen(createHttpListener(runtime.app, runtime.services, runtime.logger), config.httpPort, config.httpHost);
  const port = (server.address() as AddressInfo).port;
  const url = config.httpPort === 0 ? config.publicUrl.replace(/:0$/, `:${port}`) : config.publicUrl;
  runtime.logger.info({ url, node: config.nodeName, store: runtime.store.dialect }, 'Callgrid listening');
  // The server as describe() shows it: the password is never logged.
  if (runtime.services.mail.configured) runtime.logger.info({ smtp: runtime.services.mail.describe(), from: config.mailFrom }, 'mail: e-mail goes out through this server');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      drainer.interrupt();
      runtime.logger.info('shutting down: no new connections, finishing requests in flight');
      await closeServer(server, config.shutdownTimeoutSeconds * 1000);
      // Inbound SMS taken before the close reach their targets (each bounded: URL and phone answers time out).
      await runtime.services.inboundSms.idle();
      clearInterval(smppSync);
      runtime.services.peers.attach(undefined);
      runtime.services.calls.attach(undefined);
      runtime.services.blf.attach(undefined);
      runtime.services.flows.attach(undefined);
      runtime.services.sms.attach(undefined);
      runtime.services.inboundSms.attach(undefined);
      sip.messaging?.attachTrunks(undefined);
      await sip.stop();
      await subscriptionJournal.stop();
      await cdrSink.settled(config.shutdownTimeoutSeconds * 1000);
      // With rtpengine, its calls' deletes (sent as they were hung up) are waited for first.
      await media.close();
      await runtime.close();
      runtime.logger.info('stopped');
    })());
  const sipListeners = (['udp', 'tcp', 'tls', 'ws', 'wss'] as const).flatMap((protocol) => sip.stack.localEndpoint(protocol) ?? []);
  const drain = async () => {
    runtime.health.draining = true;
    await drainer.run(config.drainSeconds * 1000);
    await stop();
  };
  return { runtime, url, firstStart, sipListeners, stop, drain };
}

/** The node's SIP side on CALLGRID_SIP_HOST:CALLGRID_SIP_PORT (UDP and TCP), with store-backed accounts and bindings. */
/**
 * The node's RTP relay: in a worker thread by default, so media forwarding never delays SIP; CALLGRID_RTP_THREAD=main
 * keeps it on the main event loop (one thread fewer, for a small node).
 */
/**
 * SMPP providers bind at start and are read again every minute, so one added, changed or disabled through the API
 * binds or unbinds without a restart; a provider that cannot bind is logged once per distinct reason.
 */
function keepSmppBound(runtime: Runtime): NodeJS.Timeout {
  let told = new Set<string>();
  const sync = (): void => {
    runtime.services.sms.syncSmpp().then(
      (problems) => {
        for (const problem of problems) if (!told.has(problem)) runtime.logger.warn({ problem }, 'sms: an SMPP provider cannot bind');
        told = new Set(problems);
      },
      (error: unknown) => runtime.logger.error({ err: error }, 'sms: reading the SMPP providers failed'),
    );
  };
  sync();
  const timer = setInterval(sync, 60_000);
  timer.unref();
  return timer;
}

function createRelay(config: Config, logger: Logger): MediaRelayControl {
  const options = {
    host: config.rtpHost ?? config.sipHost,
    portMin: config.rtpPortMin,
    portMax: config.rtpPortMax,
    inactivityMs: config.rtpTimeoutSeconds * 1000,
    logger,
  };
  if (config.rtpThread === 'main') return MediaRelay.create({ ...options, clock: systemClock });
  // CALLGRID_RTP_WORKERS threads share the port range (relay-pool.ts); one is the plain ThreadedMediaRelay.
  const workers = config.rtpWorkers ?? Math.min(2, availableParallelism());
  return workers === 1 ? new ThreadedMediaRelay({ ...options, logLevel: config.logLevel }) : new MediaRelayPool({ ...options, logLevel: config.logLevel, workers });
}

/** The relay with rtpengine beside it (its ng socket is checked once; a node whose rtpengine is down still starts). */
/** What a call reads of the store, shared by everything on the call path: one binding store, one cache of extension rows. */
interface CallLookups {
  readonly bindings: StoreBindingStore;
  readonly extensionRows: StoreExtensionRows;
  readonly routing: StoreRoutingDirectory;
}

function callLookups(config: Config, runtime: Runtime): CallLookups {
  // Extension rows, routes and recording settings a call reads, kept for the lookup cache time: a call setup reads the
  // same rows several times and calls to the same extensions come many times a second. Changes made through the API
  // reach calls within CALLGRID_LOOKUP_CACHE_SECONDS (0 reads the store every time); a feature code's DND at once.
  const cacheMs = config.lookupCacheSeconds * 1000;
  const extensionRows = new StoreExtensionRows(runtime.store, systemClock, cacheMs);
  return {
    bindings: new StoreBindingStore(runtime.store.registrations, { logger: runtime.logger }),
    extensionRows,
    routing: new StoreRoutingDirectory(runtime.store, { extensions: extensionRows, cacheMs, clock: systemClock }),
  };
}

async function rtpengineRelay(config: Config, runtime: Runtime, relay: MediaRelayControl, lookups: CallLookups): Promise<MediaRelayControl> {
  const address = parseNgAddress(config.rtpengineNg ?? '');
  if (!address.ok) throw new Error(`CALLGRID_RTPENGINE_NG: ${address.error}`);
  // A call waits at most 2 s for a silent rtpengine (two tries), then falls back to the relay.
  const client = await NgClient.open(address.value, { timeoutMs: 1000, retries: 1 });
  const ports = {
    extensions: new StoreCallDirectory(runtime.store, lookups.bindings, systemClock, config.lookupCacheSeconds * 1000, lookups.extensionRows),
    forwarding: lookups.routing,
    followMe: new StoreFollowMeDirectory(runtime.store, lookups.extensionRows),
  };
  const pong = await client.ping();
  if (pong.ok) runtime.logger.info({ rtpengine: `${address.value.host}:${address.value.port}` }, 'rtpengine: plain calls go to it');
  else runtime.logger.warn({ error: pong.error.message }, 'rtpengine: not answering at start; calls use the built-in relay until it does');
  // Offloaded calls hang up on RTP inactivity after the same CALLGRID_RTP_TIMEOUT_SECONDS as the relay's (createRelay).
  return new OffloadingRelay(relay, new MediaOffload(client, ports, runtime.logger, { inactivityMs: config.rtpTimeoutSeconds * 1000 }));
}

async function startSip(config: Config, runtime: Runtime, relay: MediaRelayControl, cdrSink: SettlingCdrSink, lookups: CallLookups): Promise<PbxNode> {
  const directory = new StoreAccountDirectory(runtime.store, systemClock, { realm: config.sipRealm, domains: config.sipDomains, tenantCacheMs: config.lookupCacheSeconds * 1000 });
  const { bindings, extensionRows } = lookups;
  const lookupCacheMs = config.lookupCacheSeconds * 1000;
  const featureActions = new StoreFeatureActions(runtime.store, systemClock, { flows: runtime.services.flows, extensions: extensionRows });
  const { routing } = lookups;
  const calls = {
    directory: new StoreCallDirectory(runtime.store, bindings, systemClock, config.lookupCacheSeconds * 1000, extensionRows),
    identities: new StoreIdentitySettings(runtime.store, extensionRows),
    routing,
    carriers: new StoreCarrierDirectory(runtime.store, systemClock, config.lookupCacheSeconds * 1000),
    channels: runtime.channels,
    relay,
    cdrs: new CdrWriter(cdrSink, runtime.logger),
    featureCodes: { actions: featureActions, directory: featureActions },
    mediaFiles: runtime.services.media,
    ivrs: new StoreIvrDirectory(runtime.store),
    ivrLog: runtime.services.ivrLogs,
    disas: new StoreDisaDirectory(runtime.store),
    // Asterisk's prompts when installed, else the generated set under sounds/ (looked up once, here).
    prompts: await SystemPrompts.load(),
    huntlists: new StoreHuntlistDirectory(runtime.store),
    followMe: new StoreFollowMeDirectory(runtime.store, extensionRows),
    conditions: new StoreConditionDirectory(runtime.store),
    moh: new StoreMohDirectory(runtime.store, routing, runtime.services.media),
    routingSteps: storeRoutingStepPorts(runtime.store),
  };
  const node = await PbxNode.start(
    { accounts: directory, domains: directory, bindings, clock: systemClock, logger: runtime.logger, calls, flows: runtime.services.blf, trunks: new StoreTrunkDirectory(runtime.store), messages: new StoreMessageStore(runtime.store), liveCalls: runtime.store.liveCalls },
    {
      nodeName: config.nodeName,
      host: config.sipHost,
      port: config.sipPort,
      ...(config.sipWsPort === undefined ? {} : { wsPort: config.sipWsPort }),
      realm: config.sipRealm,
      nonceSecret: config.sipNonceSecret ?? nonceSecret(config.dataDir),
      digestAlgorithms: config.sipDigestAlgorithms,
      digestUriStrict: config.sipDigestUriStrict,
      limits: { minExpires: config.sipMinExpiresSeconds, maxExpires: config.sipMaxExpiresSeconds, maxContacts: config.sipMaxContacts },
      qualifyIntervalMs: config.sipQualifySeconds * 1000,
      ban: { maxFailures: config.sipBanFailures, windowMs: config.sipBanWindowSeconds * 1000, banMs: config.sipBanSeconds * 1000, trusted: config.sipTrustedNetworks },
      connections: { maxConnections: config.sipMaxConnections, maxConnectionsPerAddress: config.sipMaxConnectionsPerAddress, firstMessageTimeoutMs: config.sipFirstRequestSeconds * 1000 },
      userAgent: 'Callgrid',
      ...(config.rtpAddress === undefined ? {} : { mediaAddress: config.rtpAddress }),
      // A relay on every interface with no public address: each caller is told the address it reached.
      ...(config.rtpAddress === undefined && ['0.0.0.0', '::'].includes(config.rtpHost ?? config.sipHost) ? { mediaAddressFromFlow: true } : {}),
      ringTimeoutMs: config.ringSeconds * 1000,
      admission: { tenantShare: config.tenantCallSharePercent / 100, extensionMaxCalls: config.extensionMaxCalls },
      recordings: { pathFor: (tenantId, uniqueId, at) => recordingPath(config.dataDir, tenantId, uniqueId, at), settings: new StoreRecordingSettings(runtime.store, { extensions: extensionRows, cacheMs: lookupCacheMs, clock: systemClock }) },
      recordingLog: recordingLog(runtime),
      ...(config.maxCallSeconds > 0 ? { maxCallMs: config.maxCallSeconds * 1000 } : {}),
      heartbeatMs: config.heartbeatSeconds * 1000,
      messaging: { expirySeconds: config.sipMessageExpiryDays * 86_400, maxStoredPerTenant: config.sipMessageTenantCap },
    },
  );
  runtime.logger.info({ host: config.sipHost, port: config.sipPort, ws: config.sipWsPort, realm: config.sipRealm }, 'SIP listening');
  return node;
}

/**
 * The digest nonce key, kept in the data folder so nonces handed out before a restart still verify after it
 * (otherwise every phone's next REGISTER would count as a failed answer). A cluster sets CALLGRID_SIP_NONCE_SECRET.
 */
function nonceSecret(dataDir: string): string {
  const file = join(dataDir, 'sip-nonce.secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Responses not yet finished, per server, so a shutdown can reach them. */
const inFlight = new WeakMap<Server, Set<ServerResponse>>();

function listen(listener: RequestListener, port: number, hostname: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(listener);
    const responses = new Set<ServerResponse>();
    inFlight.set(server, responses);
    server.on('request', (_request, response) => {
      responses.add(response);
      response.once('close', () => responses.delete(response));
    });
    server.once('listening', () => resolve(server));
    server.once('error', reject);
    server.listen(port, hostname);
  });
}

/** Stop accepting, let requests in flight finish, then cut what is left after the timeout. */
function closeServer(server: Server, timeoutMs: number): Promise<void> {
  // Answers still to come (in flight now, or arriving on open connections)
  // tell keep-alive clients to go, so the server can close right after them.
  const goodbye = (response: ServerResponse) => {
    if (!response.headersSent) response.setHeader('Connection', 'close');
  };
  for (const response of inFlight.get(server) ?? []) goodbye(response);
  server.on('request', (_request, response) => goodbye(response));
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** data/credentials.json, readable by the owner only, for scripts. */
function writeCredentials(config: Config, credentials: FirstStartCredentials): void {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const path = join(config.dataDir, 'credentials.json');
  const content = { apiUrl: `${config.publicUrl}/pbx/proxyapi.php`, adminKey: credentials.adminKey, tenant: credentials.tenant ?? null };
  writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * Where a recorded call's WAV goes: `<dataDir>/tenants/<tenantId>/recordings/<YYYY-MM-DD>/<uniqueid>.wav`, built from
 * ids the PBX made (a node name and numbers), never from anything a request names.
 */
function recordingPath(dataDir: string, tenantId: number, uniqueId: string, at: Date): string {
  if (!Number.isSafeInteger(tenantId) || tenantId < 1 || !/^[A-Za-z0-9_.-]{1,96}$/.test(uniqueId)) throw new Error(`Refusing a recording path for tenant ${tenantId}, call ${uniqueId}`);
  return join(dataDir, 'tenants', String(tenantId), 'recordings', at.toISOString().slice(0, 10), `${uniqueId}.wav`);
}

/**
 * What the B2BUA calls when the relay has finished a recording's file: services.recordings keeps its row (what the
 * INFO recording types read). A failure is logged here and never reaches the call.
 */
export function recordingLog(runtime: Pick<Runtime, 'services' | 'logger'>): { recorded(recording: Parameters<Services['recordings']['recorded']>[0]): Promise<void> } {
  return {
    recorded: (recording) =>
      runtime.services.recordings.recorded(recording).then(
        () => undefined,
        (error: unknown) => runtime.logger.error({ err: error, tenantId: recording.tenantId, uniqueId: recording.uniqueId, path: recording.path }, 'recording: its row could not be written'),
      ),
  };
}
