// Whether an offloaded call's media has stopped, judged as the built-in relay judges its own sessions: no RTP from
// either party for the inactivity window, counted only while watched (answered, neither side on hold). rtpengine
// forwards the packets, so what we see of them is its RTP packet counters, read by a `query` now and then
// (activity-poller.ts): a counter that moved since the last reading means media flowed in between.
//
// Counters rather than rtpengine's `last packet` stamps: those are whole seconds of rtpengine's own clock, which
// need not agree with ours when rtpengine runs on another host; a counter moving needs no clock but ours.
import { InactivityGate, type SideName } from '../relay/index.ts';
import type { NgDictionary } from './ng-client.ts';

export class SilenceWatch {
  /** When media was last seen to flow, or watching last (re)started: silence before this does not count. */
  private lastActivityMs: number;
  private lastCount: number | undefined;
  private fired = false;
  private readonly gate = new InactivityGate(() => (this.lastActivityMs = this.now()));

  constructor(private readonly now: () => number) {
    this.lastActivityMs = now();
  }

  /** Not paused and neither side on hold: a held party may legitimately stop sending. */
  get watching(): boolean {
    return this.gate.watching;
  }

  /** Pause and hold as they are (a relay session taking the call over starts from them). */
  get state(): InactivityGate['state'] {
    return this.gate.state;
  }

  /** Whether the watch has already said the media stopped (it says so once). */
  get stopped(): boolean {
    return this.fired;
  }

  hold(sideOrHeld: SideName | boolean, held?: boolean): void {
    this.gate.hold(sideOrHeld, held);
  }

  pause(): void {
    this.gate.pause();
  }

  resume(): void {
    this.gate.resume();
  }

  /**
   * A reading of the call's RTP packet counter. True once, when it has not moved for `inactivityMs` while watched.
   * Any change counts as media (not only a rise): rtpengine may replace a stream, and its counter, on a new offer.
   */
  observe(packets: number, inactivityMs: number): boolean {
    const now = this.now();
    if (this.lastCount !== undefined && packets !== this.lastCount) this.lastActivityMs = Math.max(this.lastActivityMs, now);
    this.lastCount = packets;
    if (this.fired || !this.watching || now - this.lastActivityMs < inactivityMs) return false;
    this.fired = true;
    return true;
  }

  /** rtpengine no longer knows the call (its own timeout, a restart): no media can flow. True once, while watched. */
  lost(): boolean {
    if (this.fired || !this.watching) return false;
    this.fired = true;
    return true;
  }
}

/**
 * The RTP packets rtpengine has received for a call, from a `query` answer: the `stats.packets` of every stream
 * flagged RTP, over every monologue (each party's) and media. RTCP is left out, as the relay leaves it out: a phone
 * may keep sending reports after its audio stopped. Undefined when the answer holds no such stream.
 */
export function rtpPacketsOf(answer: NgDictionary): number | undefined {
  let total: number | undefined;
  for (const monologue of valuesOf(answer.tags)) {
    for (const media of listOf(isDict(monologue) ? monologue.medias : undefined)) {
      for (const stream of listOf(isDict(media) ? media.streams : undefined)) {
        if (!isDict(stream) || !listOf(stream.flags).includes('RTP')) continue;
        const packets = isDict(stream.stats) ? stream.stats.packets : undefined;
        if (typeof packets === 'number') total = (total ?? 0) + packets;
      }
    }
  }
  return total;
}

function isDict(value: unknown): value is NgDictionary {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valuesOf(value: unknown): unknown[] {
  return isDict(value) ? Object.values(value) : [];
}

function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}
