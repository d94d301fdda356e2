// Kamailio as the peer registrar: registrar + auth_db on the shared peer config (bench/shared/kamailio-config.ts),
// usrloc in memory, and nothing else.
import { REGISTER, kamailioConfig } from '../shared/kamailio-config.ts';
import { startKamailio as startPeer, type Subscriber } from '../shared/kamailio.ts';

export interface KamailioOptions {
  /** A fresh directory for the config, database and runtime files; the caller removes it. */
  readonly dir: string;
  readonly users: readonly Subscriber[];
  /** UDP worker processes. */
  readonly children: number;
}

export interface Kamailio {
  readonly host: string;
  readonly port: number;
  readonly children: number;
  /** The tail of its log, shown when something fails. */
  log(): string;
  stop(): Promise<void>;
}

export function registrarConfig(port: number, children: number, dbPath: string): string {
  return kamailioConfig({
    title: 'bench/sip/kamailio.ts: an authenticating registrar and nothing else.',
    port,
    children,
    dbPath,
    // Unused here; loaded as they always were, so the figures stay comparable with earlier runs.
    modules: ['rr', 'xlog'],
    // Every OPTIONS is for the registrar itself: it relays nothing.
    route: `  if (is_method("OPTIONS")) {
    sl_send_reply("200", "OK");
    exit;
  }
${REGISTER}  sl_send_reply("405", "Method Not Allowed");
  exit;
`,
  });
}

export async function startKamailio(options: KamailioOptions): Promise<Kamailio> {
  const peer = await startPeer({ dir: options.dir, users: options.users, config: ({ port, dbPath }) => registrarConfig(port, options.children, dbPath) });
  return { host: peer.host, port: peer.port, children: options.children, log: () => peer.group.tail(), stop: () => peer.group.stop() };
}
