// When silence counts against a call: not while it is paused (a callee still ringing) or while either party is on
// hold (a held party may legitimately stop sending), and never from before watching last resumed, or a long hold
// would hang up the moment it ends. The relay's sessions and the watch of calls handed to rtpengine share it.
import type { SideName } from './relay-side.ts';

export class InactivityGate {
  private paused = false;
  private heldAll = false;
  private readonly held: Record<SideName, boolean> = { a: false, b: false };

  /** `rearm` is told when watching starts again (after hold or pause): silence before it does not count. */
  constructor(private readonly rearm: () => void) {}

  /** Not paused and neither side on hold. */
  get watching(): boolean {
    return !this.paused && !this.heldAll && !this.held.a && !this.held.b;
  }

  /** Pause and hold as they are (a session taking a call over starts from them). */
  get state(): { readonly paused: boolean; readonly heldAll: boolean; readonly held: Readonly<Record<SideName, boolean>> } {
    return { paused: this.paused, heldAll: this.heldAll, held: { ...this.held } };
  }

  /** hold(side, held) tracks each leg, so one leg resuming does not cancel the other's hold; hold(held) is the whole call. */
  hold(sideOrHeld: SideName | boolean, held?: boolean): void {
    const before = this.watching;
    if (typeof sideOrHeld === 'boolean') this.heldAll = sideOrHeld;
    else this.held[sideOrHeld] = held === true;
    this.rearmIfResumed(before);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    const before = this.watching;
    this.paused = false;
    this.rearmIfResumed(before);
  }

  private rearmIfResumed(wasWatching: boolean): void {
    if (!wasWatching && this.watching) this.rearm();
  }
}
