// One RFC 6665 subscription as notifier: its dialog, the package (dialog or presence), the expiry, and the NOTIFYs
// it sends: one at a time (the next carries the latest state, so CSeq order is never lost to UDP reordering).
import type { Clock, CancelTimer } from '../../shared/index.ts';
import type { ClientOutcome, Dialog, SipRequest } from '../../sip/index.ts';
import { dialogOf, type DialogView } from './device-state.ts';
import type { DeviceSnapshot } from './device-state-tracker.ts';
import { DIALOG_INFO_TYPE, PIDF_TYPE, dialogInfoXml, pidfXml } from './presence-bodies.ts';

export type EventPackage = 'dialog' | 'presence';

/** RFC 6665 §4.1.3 reason codes we use when a subscription ends. */
export type EndReason = 'timeout' | 'deactivated' | 'noresource';

export interface SubscriptionInit {
  readonly dialog: Dialog;
  readonly event: EventPackage;
  /** The SUBSCRIBE's Event value, id parameter included: §8.2.1 the NOTIFY "MUST contain" the same. */
  readonly eventHeader: string;
  readonly tenantId: number;
  readonly number: string;
  /** The Request-URI host: entity and remote identities are written in it. */
  readonly domain: string;
  readonly snapshot: DeviceSnapshot;
}

export interface SubscriptionHost {
  readonly clock: Clock;
  /** Sends an in-dialog request to the subscriber; the outcome of its transaction. */
  send(request: SipRequest, subscription: Subscription): Promise<ClientOutcome>;
  /** The subscription is over (expired, unsubscribed or its NOTIFY failed): forget it. */
  ended(subscription: Subscription): void;
}

export class Subscription {
  readonly dialog: Dialog;
  readonly event: EventPackage;
  readonly eventHeader: string;
  readonly tenantId: number;
  readonly number: string;
  readonly domain: string;
  private snapshot: DeviceSnapshot;
  private expiresAt = 0;
  private cancelExpiry: CancelTimer | undefined;
  /** RFC 4235 §4.1: 0 in the first document, then "incremented by one" per document sent. */
  private version = 0;
  /** Dialogs the last NOTIFY showed as live: ones gone since are sent once as terminated. */
  private shown = new Map<string, DialogView>();
  private sending = false;
  private dirty = false;
  private final: EndReason | undefined;
  private over = false;

  constructor(init: SubscriptionInit, private readonly host: SubscriptionHost) {
    this.dialog = init.dialog;
    this.event = init.event;
    this.eventHeader = init.eventHeader;
    this.tenantId = init.tenantId;
    this.number = init.number;
    this.domain = init.domain;
    this.snapshot = init.snapshot;
  }

  get ended(): boolean {
    return this.final !== undefined || this.over;
  }

  /** (Re)arms the expiry and sends the current state: §4.2.1.2 a refresh is answered with a NOTIFY like a creation. */
  activate(expiresSeconds: number): void {
    this.cancelExpiry?.();
    this.expiresAt = this.host.clock.now().getTime() + expiresSeconds * 1000;
    this.cancelExpiry = this.host.clock.setTimer(expiresSeconds * 1000, () => this.end('timeout'));
    this.push();
  }

  /** The watched resource changed. */
  update(snapshot: DeviceSnapshot): void {
    if (this.ended) return;
    this.snapshot = snapshot;
    this.push();
  }

  /** Ends the subscription with a last NOTIFY (Subscription-State: terminated). */
  end(reason: EndReason): void {
    if (this.ended) return;
    this.final = reason;
    this.cancelExpiry?.();
    this.push();
  }

  /** Ends without a NOTIFY: the subscriber is gone (481, timeout, closed connection). */
  drop(): void {
    if (this.over) return;
    this.over = true;
    this.cancelExpiry?.();
    this.host.ended(this);
  }

  private push(): void {
    if (this.over) return;
    if (this.sending) {
      this.dirty = true;
      return;
    }
    this.dirty = false;
    this.sending = true;
    const finalReason = this.final;
    const request = this.dialog.createRequest('NOTIFY', {
      headers: [['Event', this.eventHeader], ['Subscription-State', this.subscriptionState(finalReason)]],
      body: this.body(),
      contentType: this.event === 'dialog' ? DIALOG_INFO_TYPE : PIDF_TYPE,
    });
    void this.host.send(request, this).then((outcome) => {
      this.sending = false;
      if (finalReason !== undefined || failed(outcome)) return this.drop();
      if (this.dirty || this.final !== undefined) this.push();
    });
  }

  private subscriptionState(finalReason: EndReason | undefined): string {
    if (finalReason !== undefined) return `terminated;reason=${finalReason}`;
    // §4.1.3: the expires parameter tells the subscriber how long is left (never rounding up past the timer).
    const left = Math.max(0, Math.floor((this.expiresAt - this.host.clock.now().getTime()) / 1000));
    return `active;expires=${left}`;
  }

  private body(): string {
    const entity = `sip:${this.number}@${this.domain}`;
    if (this.event === 'presence') return pidfXml({ entity, tupleId: this.number, state: this.snapshot.state });
    const live = this.liveDialogs();
    const gone = [...this.shown.values()].filter((d) => !live.some((l) => l.id === d.id)).map((d) => ({ ...d, phase: 'terminated' as const }));
    this.shown = new Map(live.map((d) => [d.id, d]));
    const xml = dialogInfoXml({ entity, version: this.version, dialogs: [...live, ...gone], domain: this.domain });
    this.version += 1;
    return xml;
  }

  /** The channels' dialogs; a flow (no channels) shows one dialog named after its hint while its lamp is on. */
  private liveDialogs(): DialogView[] {
    const snapshot = this.snapshot;
    if (snapshot.kind === 'extension') return snapshot.channels.map(dialogOf);
    const phase = snapshot.state === 'RINGING' ? 'early' : snapshot.state === 'INUSE' || snapshot.state === 'BUSY' || snapshot.state === 'ONHOLD' || snapshot.state === 'RINGINUSE' ? 'confirmed' : undefined;
    return phase === undefined ? [] : [{ id: snapshot.hint, callId: '', direction: 'recipient', phase, remote: '', remoteName: '' }];
  }
}

/**
 * RFC 6665 §4.2.2: "If the NOTIFY request fails due to an expired subscription (481), or times out, the notifier
 * removes the subscription"; a subscriber that cannot take NOTIFY (405, 489, 501) or is gone ends it as well.
 */
function failed(outcome: ClientOutcome): boolean {
  if (outcome.kind !== 'response') return true;
  return [404, 405, 408, 410, 416, 480, 481, 482, 483, 484, 485, 489, 501, 604].includes(outcome.response.status);
}
