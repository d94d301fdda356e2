// The messages between ThreadedMediaRelay (the PBX's thread) and relay-worker.ts (the thread that owns the media
// sockets). Commands go one way in order, so a setRemote posted before a bridgeTo is applied before it; only
// opening a session, opening a fan-out source, stopping a recording and reading counters wait for an answer; a
// playback's end and a digit heard come back as events. Plain objects: they cross by structured clone.
import type { MessagePort } from 'node:worker_threads';
import type { RecordingResult } from '../recorder/index.ts';
import type { RelaySnapshot } from './media-relay.ts';
import type { DtmfDetection, DtmfMethod, DtmfSendOptions, PlaybackEnd, PlayRequest, RecordRequest, RelayTone, SideName, SourceRequest } from './relay-control.ts';

export interface RelayWorkerSettings {
  readonly host: string;
  readonly portMin: number | undefined;
  readonly portMax: number | undefined;
  readonly inactivityMs: number | undefined;
  readonly latchSilenceMs: number | undefined;
  /** pino level for the worker's own log lines (they go to stdout, as the main thread's do). */
  readonly logLevel: string;
  /** This worker's place in its pool (relay-pool.ts): other workers' sides name it to pair across (relay-links.ts). */
  readonly index: number;
  /** Prefixed to its session ids, so ids are unique across a pool's workers and their restarts. */
  readonly sessionIdPrefix: string;
}

export type RelayCommand =
  | { readonly op: 'open'; readonly request: number }
  | { readonly op: 'setRemote'; readonly session: string; readonly side: SideName; readonly address: string; readonly port: number; readonly signallingAddress?: string }
  /** `to.worker`: the side is in another worker of the pool (the two are linked first: `link`). */
  | { readonly op: 'bridge'; readonly session: string; readonly side: SideName; readonly to: { readonly session: string; readonly side: SideName; readonly worker?: number } | undefined }
  /** A MessagePort to worker `worker` of the pool, for packets of sides paired across the two (relay-links.ts). */
  | { readonly op: 'link'; readonly worker: number; readonly port: MessagePort }
  | { readonly op: 'tone'; readonly session: string; readonly side: SideName; readonly tone: RelayTone | undefined }
  | { readonly op: 'hold'; readonly session: string; readonly side: SideName | undefined; readonly held: boolean }
  /** `play` numbers the playback: its playbackEnded event names it. */
  | { readonly op: 'play'; readonly session: string; readonly side: SideName; readonly play: number; readonly request: PlayRequest }
  | { readonly op: 'stopPlayback'; readonly session: string; readonly side: SideName }
  | { readonly op: 'detectDtmf'; readonly session: string; readonly side: SideName; readonly detection: DtmfDetection | undefined }
  | { readonly op: 'sendDtmf'; readonly session: string; readonly side: SideName; readonly digit: string; readonly options: DtmfSendOptions }
  | { readonly op: 'mapPayloadTypes'; readonly session: string; readonly side: SideName; readonly map: Readonly<Record<number, number>> | undefined }
  | { readonly op: 'record'; readonly session: string; readonly request: RecordRequest }
  | { readonly op: 'pauseRecording'; readonly session: string; readonly paused: boolean }
  /** Answered by recordingStopped, even for a session the worker no longer has. */
  | { readonly op: 'stopRecording'; readonly session: string; readonly request: number }
  /** `request` 0: no answer wanted (a source opened again in a restarted worker). */
  | { readonly op: 'openSource'; readonly request: number; readonly name: string; readonly source: SourceRequest }
  | { readonly op: 'closeSource'; readonly name: string }
  | { readonly op: 'pause' | 'resume' | 'close'; readonly session: string }
  | { readonly op: 'snapshot'; readonly request: number }
  | { readonly op: 'shutdown' };

export type RelayEvent =
  | { readonly ev: 'opened'; readonly request: number; readonly session: string; readonly portA: number; readonly portB: number }
  | { readonly ev: 'refused'; readonly request: number; readonly reason: string }
  | { readonly ev: 'inactive'; readonly session: string }
  | { readonly ev: 'playbackEnded'; readonly play: number; readonly end: PlaybackEnd }
  | { readonly ev: 'dtmf'; readonly session: string; readonly side: SideName; readonly digit: string; readonly method: DtmfMethod }
  | { readonly ev: 'sourceOpened'; readonly request: number; readonly error: string | undefined }
  /** The recording's result, or undefined when none ran. */
  | { readonly ev: 'recordingStopped'; readonly request: number; readonly result: RecordingResult | undefined }
  | { readonly ev: 'snapshot'; readonly request: number; readonly snapshot: RelaySnapshot }
  | { readonly ev: 'stopped' };
