// What a call controller (the B2BUA) needs of the RTP relay, whether the relay forwards on this thread
// (MediaRelay) or in a worker thread (ThreadedMediaRelay). Counters and taps are not part of it: they are
// per-packet state that lives where the packets are, and a worker's cannot be read synchronously.
import type { Result } from '../../shared/index.ts';
import type { CallProgressTone } from '../player/index.ts';
import type { RecordingResult } from '../recorder/index.ts';

/** Side A is the caller's leg, side B the callee's. */
export type SideName = 'a' | 'b';

/**
 * How a digit reached us: an RFC 4733 event or a tone in the audio (the relay's detector); 'info' is for a SIP INFO
 * key, which the B2BUA hears itself (kept here so the PBX can hand one to a side and stop a prompt the same way).
 */
export type DtmfMethod = 'rfc4733' | 'inband' | 'info';

export type DtmfListener = (digit: string, method: DtmfMethod) => void;

/**
 * One thing a playback plays, in order. Files are 8 kHz mono 16-bit PCM WAV, or raw G.711 named by extension
 * (.ulaw/.pcmu, .alaw/.pcma). A tone plays one cadence cycle, or `ms` of its cadence repeated. A source item joins a
 * fan-out source (music on hold, MediaRelayControl.openSource) where it is now and ends only when the source closes.
 */
export type PlayItem =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'tone'; readonly tone: CallProgressTone; readonly ms?: number }
  | { readonly kind: 'silence'; readonly ms: number }
  | { readonly kind: 'source'; readonly name: string };

/** The leg's negotiated G.711 codec: the payload type its SDP gave it and its law. */
export interface PlayFormat {
  readonly payloadType: number;
  readonly encoding: 'PCMU' | 'PCMA';
}

/** Plain data: it crosses threads. */
export interface PlayRequest {
  readonly items: readonly PlayItem[];
  /** Start over after the last item until stopped. */
  readonly loop?: boolean;
  /** DTMF digits heard on this side that stop the playback (e.g. "0123456789*#"). */
  readonly stopOnDigits?: string;
  readonly format: PlayFormat;
}

export type PlaybackEndReason = 'finished' | 'stopped' | 'digit' | 'error';

/** How a playback ended. `framesSent` counts 20 ms frames handed to the socket. */
export interface PlaybackEnd {
  readonly reason: PlaybackEndReason;
  /** The digit that stopped it (reason 'digit'). */
  readonly digit?: string;
  /** What went wrong (reason 'error'): a file that cannot be read, an unknown source, the relay worker gone. */
  readonly error?: string;
  readonly framesSent: number;
}

/** A fan-out source's playlist: loaded once, advanced once per 20 ms, heard by any number of sides. */
export interface SourceRequest {
  readonly items: readonly PlayItem[];
  readonly loop: true;
}

/** A call-progress tone a side plays to its leg, looped, in the leg's G.711 law (0 PCMU, 8 PCMA). Plain data: it crosses threads. */
export interface RelayTone {
  readonly name: CallProgressTone;
  readonly payloadType: 0 | 8;
}

export interface RelaySideControl {
  readonly name: SideName;
  /** The RTP port to put in the SDP sent to this side's leg; RTCP is on localPort + 1. */
  readonly localPort: number;
  readonly localAddress: string;
  /**
   * The address and RTP port from this leg's SDP (see RelaySide.setRemote); port 0 stops sending. Media is taken
   * only from that address or `signallingAddress`, the IP the leg's SIP comes from (omitted: the one set before).
   */
  setRemote(address: string, port: number, signallingAddress?: string): void;
  /**
   * Pairs this side with another side of the same relay (of this session or another one); undefined leaves this
   * side's packets going nowhere (see RelaySide.bridgeTo).
   */
  bridgeTo(other: RelaySideControl | undefined): void;
  /**
   * Plays a tone to this side's leg, looped, out of its own RTP port and as the same RTP stream as the media that
   * follows (ringback to a party that already talks to us while the callee rings); undefined stops it. It is a
   * playback like play()'s: media from the paired side is not forwarded to this leg while it plays, so stop the tone
   * when that media should be heard (an answer, early media). The same tone again goes on without restarting.
   */
  playTone(tone: RelayTone | undefined): void;
  /**
   * Plays `request` to this side's leg on the relay's 20 ms media clock, from its own RTP port and through the same
   * RTP stream as bridged media. One playback per side: a new one (or a tone) stops the previous one, which resolves
   * 'stopped'. While it plays, media bridged from the other side is not forwarded to this leg. The list runs in real
   * time: frames due while the leg has no address yet are not sent (nor counted). Never rejects.
   */
  play(request: PlayRequest): Promise<PlaybackEnd>;
  /** Stops this side's playback (it resolves 'stopped'); nothing when none plays. */
  stopPlayback(): void;
  /** Digits heard on this side's leg (each once, including one that stopped a playback). */
  onDtmf: DtmfListener | undefined;
  /**
   * Listens for keys on this side's leg (media/dtmf): RFC 4733 events of `telephoneEventPayloadType`, and in-band
   * tones in its G.711 audio (`audioEncodings`: payload type -> law); `auto` stops in-band listening once events
   * arrive, so a key is never heard twice. Undefined stops listening.
   */
  detectDtmf(options: DtmfDetection | undefined): void;
  /**
   * Sends a key to this side's leg as RFC 4733 telephone-events (a key heard in SIP INFO on the other leg, a key the
   * PBX dials itself): from the side's own RTP port, in the same RTP stream as the media the leg hears, on the relay's
   * 20 ms media clock. One key at a time; further keys queue (a bounded queue: keys beyond it are dropped and logged).
   * While a key is sent, bridged media and playback frames are not sent to the leg. An invalid digit is ignored.
   */
  sendDtmf(digit: string, options: DtmfSendOptions): void;
  /**
   * Rewrites the payload type of RTP sent to this side's leg from its paired side (`map`: the sender's number -> the
   * number this leg uses): two parties joined from two calls may number a dynamic format (telephone-event) apart.
   * Undefined: sent as it comes.
   */
  mapPayloadTypes(map: Readonly<Record<number, number>> | undefined): void;
}

/** How a key is sent (sendDtmf). Plain data: it crosses threads. */
export interface DtmfSendOptions {
  /** How long the key is held: rounded up to whole 20 ms frames, and kept within 40 ms - 5 s. */
  readonly durationMs: number;
  /** The telephone-event payload type the leg's SDP negotiated (8 kHz clock assumed: the G.711 legs' rate). */
  readonly payloadType: number;
}

/** Payload type -> what it carries, for one recorded track. Name the telephone-event and CN types the leg negotiated. */
export type RecordEncodings = Readonly<Record<number, 'PCMU' | 'PCMA' | 'telephone-event' | 'CN'>>;

/** A recording of a session (RelaySessionControl.record). Plain data: it crosses threads. */
export interface RecordRequest {
  /** The WAV file to write, already resolved under the tenant's folder (its folder is created if missing). */
  readonly path: string;
  /** 'stereo': track 0 left, track 1 right; 'mixed': one channel, both tracks summed. */
  readonly mode: 'mixed' | 'stereo';
  /** Per track (0, 1), payload type -> encoding; absent: 0 PCMU, 8 PCMA, 13 CN on both. */
  readonly encodings?: readonly [RecordEncodings, RecordEncodings];
}

/** How a side listens for keys. Plain data: it crosses threads. */
export interface DtmfDetection {
  readonly mode: 'auto' | 'rfc4733' | 'inband';
  readonly telephoneEventPayloadType: number | undefined;
  readonly audioEncodings: Readonly<Record<number, 'PCMU' | 'PCMA'>>;
}

export interface RelaySessionControl {
  readonly id: string;
  /** Called once when neither side has sent RTP for the relay's inactivity window while watched. */
  onInactive: ((session: RelaySessionControl) => void) | undefined;
  /** True once the session ended because its relay worker stopped (its media died with the thread), not for silence. */
  readonly workerLost?: boolean;
  readonly closed: boolean;
  side(name: SideName): RelaySideControl;
  hold(side: SideName, held: boolean): void;
  hold(held: boolean): void;
  pause(): void;
  resume(): void;
  /**
   * Records the session into one WAV file, from the relay's packet paths. Track 0 is what side A's leg (the caller)
   * sends; track 1 is what that leg hears: RTP forwarded to it from whichever side it is paired with (side B, or a side
   * of another session after bridgeTo), and the frames the relay plays to it itself (prompts, tones, sources). The
   * recording follows side A: if A is re-paired to another session's side (an attended transfer), the new party is
   * on track 1; if side B is taken away to another session, track 1 holds only what A still hears. A recording
   * already running is stopped first (its file is finished). Keys sent by sendDtmf are not audio and are not recorded.
   */
  record(options: RecordRequest): void;
  /** Leaves paused time out of the file (it is skipped, not written as silence); false records again. */
  pauseRecording(paused: boolean): void;
  /**
   * Stops the recording and finishes its file. Resolves with its result (a failure is the result's `error`; never
   * rejects); with nothing running, with the last recording's result (stopped by close() too), or undefined if none ran.
   */
  stopRecording(): Promise<RecordingResult | undefined>;
  /** Closes the session's sockets and returns its ports to the pool; a running recording is stopped. Idempotent. */
  close(): void;
}

/** Where a new session should live (MediaRelayControl.openSession). */
export interface OpenSessionOptions {
  readonly near?: RelaySessionControl;
}

export interface MediaRelayControl {
  readonly localAddress: string;
  readonly sessionCount: number;
  /** How many sessions the port range holds (two port pairs each): what fair shares of the relay are taken of. */
  readonly sessionCapacity: number;
  /**
   * Two port pairs, one per side; an error value when the range is exhausted, binding fails or the relay is closed.
   * `near`: a session this one will be bridged with (a consultation beside its call): a relay of several workers
   * opens it in the same one (relay-pool.ts). Sides of two workers can still be paired, at the cost of a hand-over.
   */
  openSession(options?: OpenSessionOptions): Promise<Result<RelaySessionControl, string>>;
  /**
   * Opens (or replaces the playlist of) a fan-out source that sides hear with `{ kind: 'source', name }`. Resolves
   * once its files are loaded, or with the error that stopped it (an unreadable file, a source item in it).
   */
  openSource(name: string, request: SourceRequest): Promise<Result<void, string>>;
  /** Closes a source; the playbacks listening to it resolve 'stopped'. */
  closeSource(name: string): void;
  /** Closes every session and refuses new ones (node shutdown); a relay in a worker also stops its thread. */
  close(): void | Promise<void>;
}
