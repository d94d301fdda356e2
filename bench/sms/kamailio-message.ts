// The peer of the SIP MESSAGE figure: Kamailio as an authenticating registrar and stateful proxy (tm) that relays
// each MESSAGE to the receiver's registered contact, as a PBX relays a phone's text. Subscribers, auth and the
// registrar part are the shared peer config's (bench/shared/kamailio-config.ts), as in bench/sip and bench/calls.
import { ANSWER_OWN_OPTIONS, AUTHENTICATE_AND_LOOK_UP, REGISTER, kamailioConfig } from '../shared/kamailio-config.ts';
import { startKamailio, type Subscriber } from '../shared/kamailio.ts';

export interface KamailioMessageProxy {
  readonly host: string;
  readonly port: number;
  readonly describe: string;
  log(): string;
  stop(): Promise<void>;
}

export function messageProxyConfig(port: number, children: number, dbPath: string): string {
  return kamailioConfig({
    title: 'bench/sms/kamailio-message.ts: registrar + authenticating stateful proxy for MESSAGE.',
    port,
    children,
    dbPath,
    route: `${ANSWER_OWN_OPTIONS}  # Absorb retransmissions of requests already being handled.
  t_check_trans();
${REGISTER}  if (!is_method("MESSAGE")) {
    sl_send_reply("405", "Method Not Allowed");
    exit;
  }
${AUTHENTICATE_AND_LOOK_UP}  # Stateful: the proxy retransmits toward the phone and forwards its 200 back to the sender.
  if (!t_relay()) {
    sl_reply_error();
  }
  exit;
`,
  });
}

export async function startKamailioMessageProxy(options: { dir: string; users: readonly Subscriber[]; children: number }): Promise<KamailioMessageProxy> {
  const peer = await startKamailio({ dir: options.dir, users: options.users, config: ({ port, dbPath }) => messageProxyConfig(port, options.children, dbPath) });
  return { host: peer.host, port: peer.port, describe: `Kamailio ${options.children} UDP workers (tm, usrloc in memory)`, log: () => peer.group.tail(), stop: () => peer.group.stop() };
}
