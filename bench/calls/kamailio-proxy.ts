// The peer: Kamailio as an authenticating registrar and record-routing proxy, with rtpengine anchoring the media.
//
// rtpengine (bench/shared/rtpengine.ts: Debian's daemon, userspace only, on loopback) is driven by Kamailio's
// rtpengine module over ng: rtpengine_manage() on the INVITE (offer), on the 200 (answer) and on BYE (delete).
// Subscribers, auth and the registrar part are the shared peer config's (bench/shared/kamailio-config.ts).
import { ANSWER_OWN_OPTIONS, AUTHENTICATE_AND_LOOK_UP, REGISTER, kamailioConfig } from '../shared/kamailio-config.ts';
import { startKamailio, type KamailioProcess, type Subscriber } from '../shared/kamailio.ts';
import { recordingArgs, startBenchRtpengine } from '../shared/rtpengine.ts';
import { groupMembers } from './server-probe.ts';

export type ProxyUser = Subscriber;

export interface KamailioProxy {
  readonly host: string;
  readonly port: number;
  readonly describe: string;
  /** The tail of Kamailio's and rtpengine's logs, shown when something fails. */
  log(): string;
  /** Kamailio's and rtpengine's processes (each runs in a process group of its own), for their CPU time. */
  pids(): number[];
  stop(): Promise<void>;
}

export interface ProxyOptions {
  readonly dir: string;
  readonly users: readonly ProxyUser[];
  readonly children: number;
  readonly rtpengineThreads: number;
  /** Record every call (bench/apps' recorded part): rtpengine writes one pcap per call under `<spoolDir>/pcaps`. */
  readonly recordTo?: string;
}

/** rtpengine_manage()'s flags on the offer and the answer; `record-call=yes` is the documented way to record a call. */
const manageFlags = (record: boolean) => `replace-origin replace-session-connection${record ? ' record-call=yes' : ''}`;

export function proxyConfig(port: number, children: number, dbPath: string, ngPort: number, record = false): string {
  return kamailioConfig({
    title: 'bench/calls/kamailio-proxy.ts: registrar + authenticating proxy, media anchored by rtpengine.',
    port,
    children,
    dbPath,
    modules: ['rr', 'xlog', 'rtpengine'],
    modparams: [
      `modparam("rtpengine", "rtpengine_sock", "udp:127.0.0.1:${ngPort}")`,
      '# A late or lost ng answer must not hold a SIP worker for long.',
      'modparam("rtpengine", "rtpengine_tout_ms", 2000)',
    ],
    route: `  # Requests inside a dialog (ACK, BYE) follow the Record-Route this proxy put in.
  if (has_totag()) {
    if (loose_route()) {
      if (is_method("BYE")) {
        rtpengine_delete();
      }
      t_relay();
      exit;
    }
    if (is_method("ACK")) {
      if (t_check_trans()) {
        t_relay();
      }
      exit;
    }
    sl_send_reply("404", "Not Here");
    exit;
  }
  if (is_method("CANCEL")) {
    if (t_check_trans()) {
      rtpengine_delete();
      t_relay();
    }
    exit;
  }
${ANSWER_OWN_OPTIONS}  # Absorb retransmissions of requests already being handled.
  t_check_trans();
${REGISTER}  if (!is_method("INVITE")) {
    sl_send_reply("405", "Method Not Allowed");
    exit;
  }
${AUTHENTICATE_AND_LOOK_UP}  record_route();
  # The offer: rtpengine allocates the caller-facing and callee-facing ports and rewrites the SDP.
  if (has_body("application/sdp")) {
    rtpengine_manage("${manageFlags(record)}");
  }
  t_on_reply("MANAGE_REPLY");
  t_on_failure("MANAGE_FAILURE");
  if (!t_relay()) {
    rtpengine_delete();
    sl_reply_error();
  }
  exit;
`,
    routes: `onreply_route[MANAGE_REPLY] {
  # The answer (in the 200, or a 183): rewritten to rtpengine's caller-facing side.
  if (has_body("application/sdp")) {
    rtpengine_manage("${manageFlags(record)}");
  }
}

failure_route[MANAGE_FAILURE] {
  rtpengine_delete();
}
`,
  });
}

export async function startKamailioProxy(options: ProxyOptions): Promise<KamailioProxy> {
  const record = options.recordTo !== undefined;
  const rtpengine = await startBenchRtpengine({
    dir: options.dir,
    threads: options.rtpengineThreads,
    ...(options.recordTo === undefined ? {} : { extraArgs: recordingArgs(options.recordTo) }),
  });
  let kamailio: KamailioProcess;
  try {
    kamailio = await startKamailio({
      dir: options.dir,
      users: options.users,
      needs: ['rtpengine'],
      config: ({ port, dbPath }) => proxyConfig(port, options.children, dbPath, rtpengine.ngPort, record),
    });
  } catch (error) {
    await rtpengine.stop();
    throw error;
  }
  const k = kamailio;
  const recording = record ? ', recording every call (record-call=yes, --recording-method=pcap)' : '';
  return {
    host: k.host,
    port: k.port,
    describe: `Kamailio ${options.children} UDP workers + rtpengine (userspace, ${options.rtpengineThreads} threads, ng on 127.0.0.1:${rtpengine.ngPort})${recording}`,
    log: () => `--- kamailio ---\n${k.group.tail()}\n--- rtpengine ---\n${rtpengine.log()}`,
    pids: () => groupMembers([k.group.proc.pid, rtpengine.pid].filter((pid): pid is number => pid !== undefined && pid > 0)),
    stop: async () => {
      await Promise.all([k.group.stop(), rtpengine.stop()]);
    },
  };
}
