// Attended transfer (MiRTA ATXTRANSFER): the called party consults the target on a second relay session while
// its caller waits, held; when the called party hangs up, the caller is joined to the target (Asterisk's atxfer).
import type { MediaRelayControl } from '../../media/index.ts';
import type { Call } from './call.ts';
import { transferTarget, type TransferDeps, type TransferOptions } from './blind-transfer.ts';
import { tellEachOther } from './connected-line.ts';
import { ringExtension } from './fork.ts';
import { isOffloaded } from './media-offload.ts';
import { returnToRelay } from './media-return.ts';
import type { OutboundLeg } from './outbound-leg.ts';

export interface ConsultHooks {
  trackLeg(leg: OutboundLeg): void;
  /** The target answered: its dialog belongs to the call as the consultation. */
  consulting(call: Call, leg: OutboundLeg): void;
}

/** Resolves with why the transfer cannot start, or undefined once the target rings. */
export async function attendedTransfer(deps: TransferDeps & { readonly relay: MediaRelayControl }, options: TransferOptions, hooks: ConsultHooks, call: Call, destination: string): Promise<string | undefined> {
  if (call.state !== 'answered' || call.answeredLeg === undefined) return 'only an answered call can be transferred';
  // The consultation is joined to the caller on the relay: a call whose media is on rtpengine comes back to it first.
  if (isOffloaded(call.relay)) {
    if (!(await returnToRelay(deps, call))) return "the call's media could not leave rtpengine (a party refused the re-INVITE to the relay); a blind transfer to a plain extension needs no move";
    // The re-INVITEs took a moment: the call may have ended or changed meanwhile.
    if (call.state !== 'answered' || call.answeredLeg === undefined) return 'only an answered call can be transferred';
  }
  const target = await transferTarget(deps, call.record.tenantId, destination);
  if (typeof target === 'string') return target;
  const { contacts } = target;
  // On the call's own relay worker: the consultation's far party is joined with the caller there at the end.
  const session = await deps.relay.openSession({ near: call.relay });
  if (!session.ok) return `no media ports free: ${session.error}`;
  const transferrer = call.answeredLeg;
  const offer = call.media.consultationOffer(session.value.side('b').localPort);
  const forks = ringExtension(deps, options, call, {
    tenantCode: call.record.tenantCode,
    target: target.extension,
    contacts,
    callerId: { number: call.callerChannel.connectedNum, name: call.callerChannel.connectedName },
    domain: contacts[0]?.source.address ?? '127.0.0.1',
    linkedId: call.callerChannel.linkedId,
    offer,
    listener: {
      provisional: () => undefined,
      answered: (leg, response) => {
        const run = call.consultation;
        if (run === undefined) return void leg.bye();
        run.answered(leg, response.body);
        hooks.consulting(call, leg);
      },
      failed: (leg) => call.consultation?.ended(leg),
    },
  });
  for (const fork of forks) hooks.trackLeg(fork.leg);
  const started = call.beginConsultation({
    forks,
    session: session.value,
    offer,
    destination: target.extension.number,
    peerAccount: target.extension.account,
    startedAt: options.context.clock.now(),
    // The caller saw the called party, the target was shown the called party's connected line: now each other.
    handedOver: () => tellEachOther(deps, { call, side: 'a' }, { call, side: 'b' }),
  });
  if (started === undefined) {
    for (const fork of forks) {
      fork.leg.cancel();
      deps.channels.remove(fork.channel.name);
    }
    session.value.close();
    return 'a transfer is already in progress';
  }
  // Begun but nobody rings (or the called party changed meanwhile): the call must not keep a consultation that
  // would swallow its called party's hang-up.
  if (forks.length === 0 || call.answeredLeg !== transferrer) {
    started.abort();
    return `${destination} could not be rung`;
  }
  deps.logger.info({ linkedId: call.callerChannel.linkedId, destination }, 'call: attended transfer, consulting');
  return undefined;
}
