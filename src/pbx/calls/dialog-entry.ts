// What the B2BUA knows of each dialog it holds: the call it belongs to and which party of that call is on it.
import type { Call } from './call.ts';
import type { InboundLeg } from './inbound-leg.ts';
import type { OutboundLeg } from './outbound-leg.ts';

/**
 * 'a' is the caller's dialog, 'b' the callee's; 'consult': an attended transfer's target, talking with the called
 * party; 'released': a phone that completed its own attended transfer (RFC 3891) and is no party of the call any
 * more: its BYE is answered and ends nothing.
 */
export type DialogSide = 'a' | 'b' | 'consult' | 'released';

export interface DialogEntry {
  readonly call: Call;
  readonly side: DialogSide;
  readonly leg: InboundLeg | OutboundLeg;
}

/**
 * The B2BUA's dialogs by dialog key, with each call's keys beside them: a call that ends drops its own dialogs
 * without a pass over every dialog of the node (with hundreds of calls up, that pass was a visible share of each
 * call's cost).
 */
export class DialogTable {
  private readonly byKey = new Map<string, DialogEntry>();
  private readonly keysOf = new Map<Call, Set<string>>();

  get(key: string): DialogEntry | undefined {
    return this.byKey.get(key);
  }

  /** Adds or replaces the entry of a dialog (a transfer moves a dialog to another call). */
  set(key: string, entry: DialogEntry): void {
    const before = this.byKey.get(key);
    if (before !== undefined && before.call !== entry.call) this.keysOf.get(before.call)?.delete(key);
    this.byKey.set(key, entry);
    let keys = this.keysOf.get(entry.call);
    if (keys === undefined) this.keysOf.set(entry.call, (keys = new Set()));
    keys.add(key);
  }

  delete(key: string): void {
    const entry = this.byKey.get(key);
    if (entry === undefined) return;
    this.byKey.delete(key);
    const keys = this.keysOf.get(entry.call);
    keys?.delete(key);
    if (keys?.size === 0) this.keysOf.delete(entry.call);
  }

  /** Removes every dialog of `call` and returns them. */
  removeCall(call: Call): Array<[string, DialogEntry]> {
    const keys = this.keysOf.get(call);
    this.keysOf.delete(call);
    const removed: Array<[string, DialogEntry]> = [];
    for (const key of keys ?? []) {
      const entry = this.byKey.get(key);
      if (entry === undefined || entry.call !== call) continue;
      this.byKey.delete(key);
      removed.push([key, entry]);
    }
    return removed;
  }

  get size(): number {
    return this.byKey.size;
  }
}
