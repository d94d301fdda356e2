// The steps of a call ringing SIP parties: each step's CDR attempt (the first relabels the call's own, later ones
// close the last and start anew), the forks it rings (fork.ts) shaped by its ring plan (ring-plan.ts), and what the
// forks tell while they ring: progress and early media to the caller, failures, the ring time running out. A fork's
// answer is handed back to the Call, which bridges the parties; how the last ringing ended is kept for the next
// attempt's disposition and for a refusal's.
import type { SessionDescription } from '../../media/index.ts';
import type { Clock, Logger } from '../../shared/index.ts';
import type { SipResponse, SipStack } from '../../sip/index.ts';
import type { CallApplication } from './call-application.ts';
import type { CallAttempts } from './call-attempts.ts';
import type { CallForks, Fork } from './call-forks.ts';
import type { CallIds } from './call-ids.ts';
import type { CallMedia } from './call-media.ts';
import type { CallRecording } from './call-recording.ts';
import { dispositionOf } from './call-refusal.ts';
import type { CallerSide } from './caller-side.ts';
import type { ChannelRegistry, LiveChannel } from './channel-registry.ts';
import { startForks, type ForkOwner } from './fork.ts';
import { readSdp } from './media-plan.ts';
import type { MusicOnHold } from './music-on-hold.ts';
import type { OutboundLeg } from './outbound-leg.ts';
import { RingPlan, type RingingCall } from './ring-plan.ts';
import type { AttemptLabel, NextReason, RingOutcome, RingRequest, RingTarget } from './runner/step.ts';

export type CallPhase = 'ringing' | 'answered' | 'ended';

/** What ringing needs of the node: the stack, names and ids, and the B2BUA's map of legs. */
export interface RingingDeps {
  readonly stack: SipStack;
  readonly ids: CallIds;
  readonly nodeName: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly channels: ChannelRegistry;
  readonly moh: MusicOnHold | undefined;
  /** The node's ring time, for a request that sets none. */
  readonly ringTimeoutMs: number;
  /** Where a party reaches us on a wildcard bind (ForkDeps.calleeMediaAddress). */
  readonly calleeMediaAddress?: ((target: RingTarget) => string | undefined) | undefined;
  /** A leg's INVITE transaction (the first, and a retry with credentials): its responses come to the leg. */
  trackLeg(leg: OutboundLeg): void;
}

/** The call whose steps ring: its parts, who it is, and what only the call itself can do. */
export interface RingsForCall {
  readonly phase: CallPhase;
  readonly tenantId: number;
  readonly tenantCode: string;
  readonly linkedId: string;
  readonly originateId: string;
  /** Who the parties see calling (read at each ring: a step may have rewritten it). */
  readonly presented: { readonly number: string; readonly name: string };
  readonly caller: CallerSide;
  readonly callerChannel: LiveChannel;
  readonly media: CallMedia;
  readonly forks: CallForks;
  readonly attempts: CallAttempts;
  readonly live: CallApplication;
  readonly recording: CallRecording;
  /** The call as its forks' channel controls see it (API hangup, ATXTRANSFER). */
  readonly owner: ForkOwner;
  /** `fork`'s party answered with `sdp`: the Call bridges it with the caller. */
  connect(fork: Fork, leg: OutboundLeg, sdp: SessionDescription): void;
  /** The answering party's dialog (and the caller's) is established: in-dialog requests reach the call. */
  established(): void;
  /** A confirming party's dialog speaks for side b (its media is there): its BYE and INFO keys come to this call. */
  calleeReplaced(leg: OutboundLeg): void;
}

export class CallRinging {
  /** The first step relabels the call's first attempt; later steps start new ones. */
  private attemptStarted = false;
  /** How the last ringing ended: the disposition of its attempt when the next one starts. */
  private lastRing: RingOutcome | undefined;
  /** The ringing in progress, when one runs: its confirming parties' keys and BYEs go there (ring-plan.ts). */
  private plan: RingPlan | undefined;

  constructor(
    private readonly deps: RingingDeps,
    private readonly call: RingsForCall,
  ) {}

  /** How the last ringing ended (undefined when a step since rang nobody). */
  get lastOutcome(): RingOutcome | undefined {
    return this.lastRing;
  }

  /** A step passed the call on without ringing anyone to say so: its reason stands for the ringing's outcome. */
  stepPassed(reason: NextReason): void {
    if (this.lastRing !== undefined) return;
    if (reason === 'busy') this.lastRing = { kind: 'busy' };
    else if (reason === 'noanswer') this.lastRing = { kind: 'noanswer' };
  }

  /** Starts the CDR attempt a step is (the first step relabels the call's first attempt). */
  attempt(label: AttemptLabel): void {
    const { attempts, forks } = this.call;
    const now = this.deps.clock.now();
    if (!this.attemptStarted) {
      this.attemptStarted = true;
      attempts.relabel(label);
    } else {
      // A step the PBX answered itself (a menu, a message) rang nobody: its attempt is ANSWERED, as Asterisk's is.
      attempts.close(this.lastRing === undefined && attempts.isAnswered ? 'ANSWERED' : dispositionOf(this.lastRing), forks.first?.channel, now);
      // The last attempt's forks are over (cancelled at its ring time, or failed): their channels go with them, or
      // a late 487 from a fork the call no longer knows would leave its channel counted against the tenant's limit.
      for (const fork of forks.all) if (fork !== forks.answered) this.deps.channels.remove(fork.channel.name);
      forks.nextAttempt();
      attempts.start({ ...label, startedAt: now });
    }
    this.lastRing = undefined;
    this.deps.channels.update(this.call.callerChannel.name, { connectedNum: label.destination });
    this.call.live.step(label);
    if (label.landed.kind === 'EXT') this.call.recording.readExtension(this.call.tenantId, label.peerAccount);
  }

  /** A transfer released the callee and already started the next attempt (its destination): the next step names it. */
  transferred(): void {
    this.attemptStarted = false;
  }

  /** Rings SIP parties for the current attempt (resolves when one answers or all failed). */
  async ring(request: RingRequest): Promise<RingOutcome> {
    const call = this.call;
    if (call.phase === 'ended') return { kind: 'caller-gone' };
    if (call.phase === 'answered') return { kind: 'failed', status: 500, text: 'the call is already connected' };
    // Confirm to answer, music while ringing, delayed parties: ring-plan.ts shapes the offer and the forks' listener.
    const plan = await RingPlan.prepare(this.ringingCall(), request);
    if (call.phase !== 'ringing') {
      plan?.finish();
      return call.phase === 'ended' ? { kind: 'caller-gone' } : { kind: 'failed', status: 500, text: 'the call is already connected' };
    }
    if (plan === undefined) return { kind: 'no-codec' };
    const offer = plan.offer;
    call.live.ringing(request);
    // Out through a carrier: the attempt lands at the provider rung now (a failover moves it), named as the CDR names it.
    const carrier = request.targets.length === 1 && request.targets[0]?.channel.account === '' ? request.targets[0].channel.base : undefined;
    if (carrier !== undefined) call.attempts.ringsCarrier(carrier);
    const deps = this.deps;
    const start = (targets: readonly RingTarget[]) => startForks({ stack: deps.stack, channels: deps.channels, logger: deps.logger, ...(deps.calleeMediaAddress === undefined ? {} : { calleeMediaAddress: deps.calleeMediaAddress }) }, { nodeName: deps.nodeName, ids: deps.ids, context: { clock: deps.clock } }, call.owner, {
      targets,
      offer,
      tenantId: call.tenantId,
      tenantCode: call.tenantCode,
      linkedId: call.linkedId,
      callerId: call.presented,
      originateId: call.originateId,
      listener: plan.listener({
        provisional: (l, r) => this.provisional(l, r),
        answered: (l, r) => {
          this.answered(l, r);
          call.established();
        },
        failed: (l, s, reason) => this.failed(l, s, reason),
      }),
      track: (leg) => deps.trackLeg(leg),
    });
    plan.begin();
    const forks = start(plan.targets);
    plan.started(forks);
    if (forks.length === 0 && !plan.hasDelayed) {
      plan.finish();
      return (this.lastRing = { kind: 'failed', status: 503, text: 'Service Unavailable' });
    }
    const outcome = call.forks.wait();
    const ringMs = request.ringSeconds === undefined ? deps.ringTimeoutMs : request.ringSeconds * 1000;
    call.forks.ring(forks, ringMs, () => this.noAnswer());
    plan.startLater(start);
    this.plan = plan;
    try {
      return (this.lastRing = await outcome);
    } finally {
      plan.finish();
      if (this.plan === plan) this.plan = undefined;
    }
  }

  /** A key in SIP INFO from the callee side while ringing: a party that answered and must confirm presses it. */
  confirmingKey(digit: string): void {
    this.plan?.digit(digit);
  }

  /** A BYE from the callee side: true when it was a confirming (or waiting) party's, whose leg alone ends. */
  confirmingLeft(leg: OutboundLeg): boolean {
    return this.plan?.left(leg) === true;
  }

  provisional(leg: OutboundLeg, response: SipResponse): void {
    const { forks, media, caller } = this.call;
    const fork = forks.of(leg);
    if (fork === undefined || this.call.phase !== 'ringing') return;
    this.deps.channels.update(fork.channel.name, { state: 'Ringing' });
    const sdp = response.body.length > 0 ? readSdp(response.body) : undefined;
    // A caller that already talks to us (DIAL's source, a transferred caller) hears our ringback, or the early media.
    if (media.callerConnected || caller.talking) media.ringback(sdp?.ok !== true && !forks.earlyMediaHeard);
    // Early media (RFC 3960 gateway model): the first fork that sends SDP is heard; other forks' tones are not.
    if (media.callerConnected) return;
    if (sdp?.ok && forks.hearsEarlyMedia(leg)) {
      media.pointCallee(sdp.value, leg);
      caller.ringing(media.callerEarlyMedia(sdp.value));
    } else {
      caller.ringing(undefined);
    }
  }

  answered(leg: OutboundLeg, response: SipResponse): void {
    const fork = this.call.forks.of(leg);
    if (fork === undefined || this.call.phase !== 'ringing') return void leg.bye();
    const sdp = readSdp(response.body);
    if (!sdp.ok) {
      this.deps.logger.warn({ error: sdp.error }, 'call: the callee answered without usable SDP');
      leg.bye('Q.850;cause=88');
      return this.failed(leg, 488, 'Not Acceptable Here');
    }
    this.call.connect(fork, leg, sdp.value);
  }

  failed(leg: OutboundLeg, status: number, reason: string): void {
    const forks = this.call.forks;
    const fork = forks.of(leg);
    if (fork === undefined) return;
    forks.failed(status, reason);
    if (this.call.phase !== 'ringing') return;
    // A contact that failed is no channel any more; the CDR keeps the first one it saw.
    this.deps.channels.remove(fork.channel.name);
    // Late answers of forks whose ringing already ended (cancelled at the ring time) change nothing.
    if (forks.pending || !forks.waiting) return;
    forks.settle(forks.ringOutcome());
  }

  /** The ring time ran out: the forks are cancelled and the step hears "no answer" at once (their 487s change nothing). */
  private noAnswer(): void {
    if (this.call.phase !== 'ringing') return;
    this.call.forks.timedOut();
    this.call.forks.settle({ kind: 'noanswer' });
  }

  /** What ring-plan.ts needs of this call: its media, forks and caller, and its failure path for parties that leave. */
  private ringingCall(): RingingCall {
    const call = this.call;
    return {
      get over() {
        return call.phase === 'ended';
      },
      tenantId: call.tenantId,
      caller: call.caller,
      media: call.media,
      forks: call.forks,
      moh: this.deps.moh,
      channels: this.deps.channels,
      clock: this.deps.clock,
      logger: this.deps.logger,
      dropped: (leg) => this.failed(leg, 480, 'Temporarily Unavailable'),
      register: (leg) => call.calleeReplaced(leg),
    };
  }
}
