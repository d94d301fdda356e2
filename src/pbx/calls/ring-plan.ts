// How one ring request is carried out beyond "INVITE every target at once" (Call.ring): the offer's codecs (G.711 when
// a party must confirm, the law of the caller's early media when it hears music), parties whose INVITE waits for a
// delay (follow-me's ex_fmfmdelay), the caller's music while the parties ring, and the parties that must confirm
// before they are connected (answer-confirmation.ts). The Call builds one per ringing and finishes it when it settles.
import type { SipResponse } from '../../sip/index.ts';
import { RingConfirmations, confirmCodecs, type ConfirmingCall } from './answer-confirmation.ts';
import type { ChannelRegistry, LiveChannel } from './channel-registry.ts';
import type { OutboundLeg, OutboundListener } from './outbound-leg.ts';
import { RingingMusic, type MusicCall } from './ringing-music.ts';
import type { AnswerConfirmation, RingRequest, RingTarget } from './runner/step.ts';

/** What a ring plan needs of its call (Call.ringingCall builds it). */
export interface RingingCall extends Omit<ConfirmingCall, 'connect' | 'media'>, MusicCall {
  readonly channels: ChannelRegistry;
}

/** A started fork, with the target it rings. */
export interface StartedFork {
  readonly leg: OutboundLeg;
  readonly channel: LiveChannel;
  readonly target: RingTarget;
}

const ASTERISK_LAWS: Readonly<Record<string, 'PCMU' | 'PCMA'>> = { pcmu: 'PCMU', ulaw: 'PCMU', g711u: 'PCMU', pcma: 'PCMA', alaw: 'PCMA', g711a: 'PCMA' };

export class RingPlan {
  private readonly confirmByLeg = new Map<string, AnswerConfirmation>();
  private readonly confirmations: RingConfirmations;
  /** The call's own listener (listener()): its answer path connects the parties. */
  private base: OutboundListener | undefined;

  private constructor(
    private readonly call: RingingCall,
    /** The description every party is offered (on the callee's relay side). */
    readonly offer: string,
    /** The parties rung at once. */
    readonly targets: readonly RingTarget[],
    /** The parties rung after a delay, by delay in ms. */
    private readonly delayed: ReadonlyMap<number, readonly RingTarget[]>,
    private readonly music: RingingMusic | undefined,
  ) {
    this.confirmations = new RingConfirmations({ ...call, connect: (leg, response) => this.connect(leg, response), get over() { return call.over; } }, (leg) => this.confirmByLeg.get(leg.id));
  }

  /** The plan for `request`, or undefined when no party can be offered the caller's media (no codec in common). */
  static async prepare(call: RingingCall, request: RingRequest): Promise<RingPlan | undefined> {
    let codecs = request.codecs ?? [];
    const music = request.callerHears === 'music' ? await RingingMusic.prepare(call, (law) => codecs.length === 0 || codecs.some((c) => ASTERISK_LAWS[(c.split(':')[0] ?? '').trim().toLowerCase()] === law)) : undefined;
    if (music?.law !== undefined) codecs = [music.law];
    let targets = request.targets.map((t) => (request.confirm !== undefined && t.confirm === undefined ? { ...t, confirm: request.confirm } : t));
    let offer: string | undefined;
    if (targets.some((t) => t.confirm !== undefined)) {
      // The PBX speaks to a confirming party itself: G.711 only (one offer goes to every party of the ring).
      const g711 = confirmCodecs(codecs);
      offer = g711 === undefined ? undefined : call.media.calleeOffer(g711);
      // A caller (or carrier) with no G.711 cannot have its parties confirm: only those that need no confirmation ring.
      if (offer === undefined) targets = targets.filter((t) => t.confirm === undefined);
    }
    if (offer === undefined && targets.length > 0) offer = call.media.calleeOffer(codecs);
    if (offer === undefined) {
      music?.stop();
      return undefined;
    }
    const delayOf = (target: RingTarget): number => Math.max(0, Math.round((target.delaySeconds ?? 0) * 1000));
    const delayed = new Map<number, RingTarget[]>();
    for (const target of targets) if (delayOf(target) > 0) delayed.set(delayOf(target), [...(delayed.get(delayOf(target)) ?? []), target]);
    return new RingPlan(call, offer, targets.filter((t) => delayOf(t) === 0), delayed, music);
  }

  /** Parties wait for a delay: the ringing is not over when the first ones have failed. */
  get hasDelayed(): boolean {
    return this.delayed.size > 0;
  }

  /** The caller starts hearing music (when the request asked for it and the tenant has some). */
  begin(): void {
    this.music?.start();
  }

  /** Forks were started: their parties' confirmations are known by leg. */
  started(forks: readonly StartedFork[]): void {
    for (const fork of forks) if (fork.target.confirm !== undefined) this.confirmByLeg.set(fork.leg.id, fork.target.confirm);
  }

  /** The delayed parties, each group INVITEd (`start`) when its time comes unless the ringing settled first. */
  startLater(start: (targets: readonly RingTarget[]) => readonly StartedFork[]): void {
    const forks = this.call.forks;
    for (const [ms, targets] of this.delayed) {
      forks.later(ms, () => {
        const late = start(targets);
        this.started(late);
        forks.add(late);
        // None could be sent and nobody else rings any more: the ringing is over.
        if (!forks.pending && forks.waiting) forks.settle(forks.ringOutcome());
      });
    }
  }

  /** The call's listener for the forks, with early media kept from confirming parties and music playing. */
  listener(base: OutboundListener): OutboundListener {
    this.base = base;
    return {
      provisional: (leg, response) => {
        // Music plays to the caller: the parties' progress changes only their channels, not what the caller hears.
        if (this.music !== undefined) {
          const fork = this.call.forks.of(leg);
          if (fork !== undefined) this.call.channels.update(fork.channel.name, { state: 'Ringing' });
          return;
        }
        // A party that must confirm is not heard before it does, so neither is its early media (a plain 180).
        base.provisional(leg, this.confirmByLeg.has(leg.id) ? { ...response, body: Buffer.alloc(0) } : response);
      },
      answered: (leg, response) => this.confirmations.answered(leg, response),
      failed: (leg, status, reason) => base.failed(leg, status, reason),
    };
  }

  /** A key in SIP INFO from the callee side: the confirming party's. */
  digit(digit: string): void {
    this.confirmations.digit(digit);
  }

  /** A BYE from the callee side: true when it was a confirming (or waiting) party's. */
  left(leg: OutboundLeg): boolean {
    return this.confirmations.left(leg);
  }

  /** The ringing settled: confirmations still running are released and the music stops. */
  finish(): void {
    this.confirmations.finish();
    this.music?.stop();
  }

  private connect(leg: OutboundLeg, response: SipResponse): void {
    this.music?.stop();
    this.base?.answered(leg, response);
  }
}
