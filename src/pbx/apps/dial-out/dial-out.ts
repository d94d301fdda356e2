// OUT (a number outside the tenant) and CUSTOM EXTERNALNUMBER: dial out through carriers. The routing profile of
// the calling extension (or of the tenant, when no extension calls: a DID forwarded outside) gives the providers in
// failover order (dialplan/outbound-routes.ts); each is rung in turn until one answers, is busy or is not answered.
import { routeOutboundCall, type OutboundDirectory } from '../../dialplan/index.ts';
import { carrierFull, carrierRingTarget, type CallHandle, type CarrierDirectory, type ChannelRegistry, type RingTarget, type StepOutcome } from '../../calls/index.ts';

export interface DialOutDeps {
  readonly routing: OutboundDirectory;
  readonly carriers: CarrierDirectory;
  readonly channels: ChannelRegistry;
  /** Attempts skipped because the provider had pr_maxoutchannels calls up. */
  readonly counters: { providerLimit: number };
}

export interface DialOutRequest {
  readonly number: string;
  /** Whose number the callee sees instead of the route's choice (a custom destination's INCOMINGDID or fixed number). */
  readonly presented?: { readonly number: string; readonly name: string };
  readonly ringSeconds?: number;
}

export class DialOut {
  constructor(private readonly deps: DialOutDeps) {}

  /**
   * The first carrier that could take `number` now, as a party to ring beside others (a ring group's outside member):
   * no failover, since the group's other members are the alternative. Undefined: no route or no carrier free.
   */
  async firstTarget(call: CallHandle, number: string): Promise<{ readonly target: RingTarget; readonly codecs: readonly string[] } | undefined> {
    const caller = call.callerParty;
    const decision = await routeOutboundCall(this.deps.routing, call.tenantId, caller.extensionId, number);
    if (!decision.ok) return undefined;
    for (const attempt of decision.attempts) {
      const target = await this.deps.carriers.target(attempt.providerId);
      const address = target === undefined ? undefined : await this.deps.carriers.addressOf(target);
      if (target === undefined || address === undefined || carrierFull(this.deps.channels, target)) continue;
      return { target: carrierRingTarget(target, address, attempt.number, attempt.callerId ?? { number: caller.number, name: caller.name }), codecs: target.codecs };
    }
    return undefined;
  }

  async dial(call: CallHandle, request: DialOutRequest): Promise<StepOutcome> {
    const caller = call.callerParty;
    const decision = await routeOutboundCall(this.deps.routing, call.tenantId, caller.extensionId, request.number);
    if (!decision.ok) {
      // A permission or blacklist refusal is the caller's answer (403 with why); no route is a number nobody has.
      if (decision.reason === 'not-allowed' || decision.reason === 'blacklisted') return { kind: 'failed', status: 403, text: decision.message };
      return { kind: 'next', reason: 'unavailable', status: 404, text: 'Not Found' };
    }
    call.attempt({ destination: request.number, peerAccount: '', landed: { kind: 'PROVIDER', label: request.number } });
    let codecRefused = false;
    /** The last carrier's refusal: what the caller hears when every carrier refused (its 404 for a wrong number). */
    let refused: { status: number; text: string } | undefined;
    for (const attempt of decision.attempts) {
      if (call.over) return { kind: 'caller-gone' };
      const target = await this.deps.carriers.target(attempt.providerId);
      const address = target === undefined ? undefined : await this.deps.carriers.addressOf(target);
      if (target === undefined || address === undefined) continue;
      // pr_maxoutchannels: a full trunk is skipped like a failed one, so the next route gets the call.
      if (carrierFull(this.deps.channels, target)) {
        this.deps.counters.providerLimit++;
        continue;
      }
      const presented = request.presented ?? attempt.callerId ?? { number: caller.number, name: caller.name };
      const outcome = await call.ring({
        targets: [carrierRingTarget(target, address, attempt.number, presented)],
        codecs: target.codecs,
        ...(request.ringSeconds === undefined ? {} : { ringSeconds: request.ringSeconds }),
      });
      switch (outcome.kind) {
        case 'answered':
          return { kind: 'connected' };
        case 'caller-gone':
          return { kind: 'caller-gone' };
        // A busy callee or a ring time that ran out ends the search: another carrier would ring the same person.
        case 'busy':
          return { kind: 'next', reason: 'busy' };
        case 'noanswer':
          return { kind: 'next', reason: 'noanswer' };
        // No transcoding: a carrier that takes none of the caller's codecs (pr_allow) is skipped like a failed one.
        case 'no-codec':
          codecRefused = true;
          continue;
        case 'failed':
          refused = { status: outcome.status, text: outcome.text };
          continue;
      }
    }
    if (refused !== undefined) return { kind: 'next', reason: 'failed', ...refused };
    // RFC 3261 §21.4.26: 488 when the media was the obstacle; else 503, as for a congested trunk group.
    return codecRefused ? { kind: 'next', reason: 'failed', status: 488, text: 'Not Acceptable Here' } : { kind: 'next', reason: 'failed', status: 503, text: 'Service Unavailable' };
  }
}
