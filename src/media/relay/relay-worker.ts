// The relay's worker thread: it owns a MediaRelay (the sockets, latching, restamping, the inactivity ticker and the
// media clock its sides play on) and applies ThreadedMediaRelay's commands to it, so forwarding tens of thousands of
// packets a second never delays the PBX's SIP timers and answers on the main thread. Started by ThreadedMediaRelay;
// not imported by anything else.
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger, systemClock } from '../../shared/index.ts';
import { MediaRelay } from './media-relay.ts';
import type { PlayRequest, SideName } from './relay-control.ts';
import type { RelayCommand, RelayEvent, RelayWorkerSettings } from './relay-worker-protocol.ts';
import type { RelaySession } from './relay-session.ts';
import { RelayLinks } from './relay-links.ts';
import { MessageBatch } from './message-batch.ts';

const port = parentPort;
if (port === null) throw new Error('relay-worker.ts runs as a worker thread (started by ThreadedMediaRelay)');
const settings = workerData as RelayWorkerSettings;
const logger = createLogger(settings.logLevel).child({ thread: 'media-relay' });
const relay = MediaRelay.create({ ...settings, clock: systemClock, logger });
const sessions = new Map<string, RelaySession>();
// Sides paired with sides in other workers of the pool: their packets arrive here and leave from our socket.
const links = new RelayLinks((id, side, kind, packet, media) => sessions.get(id)?.side(side).deliverForeign(kind, packet, media));

// Events of one turn of the loop (a burst of sessions opened, playbacks ended) leave in one message at its end.
const events = new MessageBatch<RelayEvent>((batch) => port?.postMessage(batch));
function post(event: RelayEvent): void {
  events.push(event);
}

async function open(request: number): Promise<void> {
  const opened = await relay.openSession();
  if (!opened.ok) return post({ ev: 'refused', request, reason: opened.error });
  const session = opened.value as RelaySession;
  sessions.set(session.id, session);
  session.onInactive = () => post({ ev: 'inactive', session: session.id });
  for (const side of ['a', 'b'] as const) {
    // Every digit crosses to the PBX: an IVR or a feature code may be listening on either side.
    session.side(side).onDtmf = (digit, method) => post({ ev: 'dtmf', session: session.id, side, digit, method });
  }
  post({ ev: 'opened', request, session: session.id, portA: session.side('a').localPort, portB: session.side('b').localPort });
}

function play(id: string, side: SideName, playId: number, request: PlayRequest): void {
  const session = sessions.get(id);
  // A play for a session already closed is still answered: a promise on the PBX's side waits for it.
  if (session === undefined) return post({ ev: 'playbackEnded', play: playId, end: { reason: 'error', error: 'relay session is closed', framesSent: 0 } });
  void session
    .side(side)
    .play(request)
    .then((end) => post({ ev: 'playbackEnded', play: playId, end }));
}

function stopRecording(id: string, request: number): void {
  const session = sessions.get(id);
  const stopped = session === undefined ? Promise.resolve(undefined) : session.stopRecording();
  void stopped.then((result) => post({ ev: 'recordingStopped', request, result }));
}

/** Closes every session, lets their recordings finish their files, then lets the thread end. */
async function shutdown(): Promise<void> {
  const finishing = [...sessions.values()].map((session) => session.stopRecording());
  relay.close();
  sessions.clear();
  links.closeAll();
  await Promise.all(finishing);
  post({ ev: 'stopped' });
  events.flush();
  port?.close();
}

function apply(command: RelayCommand): void {
  switch (command.op) {
    case 'open':
      void open(command.request);
      return;
    case 'snapshot':
      return post({ ev: 'snapshot', request: command.request, snapshot: relay.snapshot() });
    case 'openSource':
      void relay.openSource(command.name, command.source).then((opened) => {
        if (command.request !== 0) post({ ev: 'sourceOpened', request: command.request, error: opened.ok ? undefined : opened.error });
      });
      return;
    case 'closeSource':
      return relay.closeSource(command.name);
    case 'play':
      return play(command.session, command.side, command.play, command.request);
    case 'stopRecording':
      return stopRecording(command.session, command.request);
    case 'shutdown':
      void shutdown();
      return;
    case 'link':
      return links.link(command.worker, command.port);
    default:
      break;
  }
  // A command for a session already closed (a late hold after a hang-up) has nothing left to act on.
  const session = sessions.get(command.session);
  if (session === undefined) return;
  switch (command.op) {
    case 'setRemote':
      return session.side(command.side).setRemote(command.address, command.port, command.signallingAddress);
    case 'bridge': {
      const to = command.to;
      if (to?.worker !== undefined && to.worker !== settings.index) {
        const side = session.side(command.side);
        return side.bridgeForeign(links.forwarder(to.worker, to.session, to.side, 'rtp'), links.forwarder(to.worker, to.session, to.side, 'rtcp'));
      }
      const other = command.to === undefined ? undefined : sessions.get(command.to.session)?.side(command.to.side);
      return session.side(command.side).bridgeTo(other);
    }
    case 'tone':
      return session.side(command.side).playTone(command.tone);
    case 'stopPlayback':
      return session.side(command.side).stopPlayback();
    case 'detectDtmf':
      return session.side(command.side).detectDtmf(command.detection);
    case 'sendDtmf':
      return session.side(command.side).sendDtmf(command.digit, command.options);
    case 'mapPayloadTypes':
      return session.side(command.side).mapPayloadTypes(command.map);
    case 'record':
      return session.record(command.request);
    case 'pauseRecording':
      return session.pauseRecording(command.paused);
    case 'hold':
      return command.side === undefined ? session.hold(command.held) : session.hold(command.side, command.held);
    case 'pause':
      return session.pause();
    case 'resume':
      return session.resume();
    case 'close':
      sessions.delete(command.session);
      return session.close();
  }
}

port.on('message', (commands: readonly RelayCommand[]) => {
  for (const command of commands) {
    try {
      apply(command);
    } catch (error) {
      // One bad command must not take every call's media down with the thread.
      logger.error({ op: command.op, err: error instanceof Error ? error.message : String(error) }, 'media relay worker: command failed');
    }
  }
});
