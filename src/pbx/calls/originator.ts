// Click-to-call (MiRTA DIAL): ring the source extension with our own offer, and once it answers, ring the
// destination with the source's answer as the offer; the relay joins the two as for any call.
import { randomBytes } from 'node:crypto';
import type { MediaRelayControl, RelaySessionControl } from '../../media/index.ts';
import type { Logger } from '../../shared/index.ts';
import type { SipStack } from '../../sip/index.ts';
import { targetsForNumber, type NumberDirectory } from '../dialplan/index.ts';
import { callerNameAddr, callerUser } from './caller-identity.ts';
import { LIMIT_COUNTERS, refuseCall, type AdmissionPolicy } from './call-admission.ts';
import type { CallCounters } from './call-setup-types.ts';
import { Call, type CallContext } from './call.ts';
import type { CallIds } from './call-ids.ts';
import type { CallDirectory, ExtensionTarget } from './call-ports.ts';
import { callerChannel } from './caller-channel.ts';
import { OriginatedCaller } from './caller-side.ts';
import type { ChannelRegistry } from './channel-registry.ts';
import { mediaAddress, ownOffer, readSdp } from './media-plan.ts';
import type { OriginateOutcome, OriginateRequest } from './originate-request.ts';
import { OutboundLeg } from './outbound-leg.ts';
import type { SetupHooks } from './call-setup-types.ts';
import { recordingMode } from './recording-policy.ts';
import { refusedCallRecord } from './refused-call.ts';

export interface OriginatorDeps {
  readonly stack: SipStack;
  readonly directory: CallDirectory;
  /** Numbers as destination lists (the destination is dialled like any number). */
  readonly numbers: NumberDirectory;
  readonly counters: CallCounters;
  readonly relay: MediaRelayControl;
  readonly channels: ChannelRegistry;
  readonly logger: Logger;
}

export interface OriginatorOptions {
  readonly nodeName: string;
  readonly mediaAddress: string;
  readonly ids: CallIds;
  readonly context: CallContext;
  readonly admission: AdmissionPolicy;
}

/** What phones honour as "answer by yourself": the Call-Info form (Polycom, Yealink, baresip) and Alert-Info. */
const AUTO_ANSWER: ReadonlyArray<readonly [string, string]> = [
  ['Call-Info', '<sip:127.0.0.1>;answer-after=0'],
  ['Alert-Info', '<http://127.0.0.1>;info=alert-autoanswer;delay=0'],
];

export class Originator {
  constructor(private readonly deps: OriginatorDeps, private readonly options: OriginatorOptions, private readonly hooks: SetupHooks) {}

  async originate(request: OriginateRequest): Promise<OriginateOutcome> {
    const { directory } = this.deps;
    const [source, tenantCode] = await Promise.all([directory.findExtension(request.tenantId, request.source), directory.tenantCode(request.tenantId)]);
    if (source === undefined || tenantCode === undefined) return { ok: false, error: `Extension ${request.source} does not exist` };
    const contacts = await directory.contacts(request.tenantId, source.extensionId);
    // From here the API has accepted the DIAL: each refusal leaves its one row, as a phone's refused call does.
    const refuse = (status: number, error: string): OriginateOutcome => this.refused(request, tenantCode, source, status, error);
    // No phone registered: nothing can ring, Asterisk's CHANUNAVAIL (480, FAILED).
    if (contacts.length === 0) return refuse(480, `Extension ${request.source} is not registered`);
    const refused = await refuseCall(this.deps, this.options.admission, request.tenantId, source.account);
    if (refused !== undefined) {
      this.deps.counters[LIMIT_COUNTERS[refused.limit]]++;
      return refuse(503, `${refused.reason[0]?.toUpperCase() ?? ''}${refused.reason.slice(1)}`);
    }
    const session = await this.deps.relay.openSession();
    if (!session.ok) return refuse(503, `no media ports free: ${session.error}`);

    const { ids, nodeName, context } = this.options;
    const channel = callerChannel(ids, nodeName, context.clock, {
      tenantId: request.tenantId,
      tenantCode,
      account: source.account,
      number: source.number,
      name: source.name,
      connectedNum: request.destination,
      connectedName: request.sourceCallerId ?? request.destination,
      exten: request.destination,
      sipCallId: '',
      originateId: request.originateId,
      direction: 'OUT',
    });
    const offer = ownOffer(this.options.mediaAddress, session.value.side('a').localPort, randomBytes(4).readUInt32BE(0).toString());
    let call: Call | undefined;
    const legs: OutboundLeg[] = [];
    const listener = {
      provisional: () => this.deps.channels.update(channel.name, { state: 'Ringing' as const }),
      answered: (leg: OutboundLeg, response: { body: Buffer }) => {
        for (const other of legs) if (other !== leg) other.cancel();
        if (call !== undefined) void this.sourceAnswered(call, leg, response.body, request, tenantCode, offer);
      },
      failed: (leg: OutboundLeg, status: number) => {
        if (call === undefined || legs.some((l) => l.pending || l.answered)) return;
        call.unreachable(status === 486 || status === 600 ? 'BUSY' : 'NO ANSWER', status, 'source did not answer');
        void leg;
      },
    };
    const caller = { leg: undefined as OutboundLeg | undefined };
    for (const contact of contacts) {
      const leg = new OutboundLeg(
        this.deps.stack,
        {
          target: { requestUri: contact.contactUri, endpoint: contact.source, flowId: contact.flowId ?? undefined },
          from: callerNameAddr(request.sourceCallerId ?? request.destination, request.sourceCallerNumber ?? request.destination, contact.source.address),
          to: `<sip:${callerUser(source.number)}@${contact.source.address}>`,
          sdp: offer,
          ...(request.autoAnswer ? { extraHeaders: AUTO_ANSWER } : {}),
        },
        listener,
        this.deps.logger,
      );
      if (!leg.start()) continue;
      legs.push(leg);
      this.hooks.trackLeg(leg);
      caller.leg ??= leg;
    }
    if (caller.leg === undefined) {
      session.value.close();
      return refuse(480, `Extension ${request.source} could not be rung`);
    }
    // The caller side of the call is whichever source contact answers; until then, the first one stands for all.
    const side = new OriginatedCaller(caller.leg);
    call = this.newCall(side, session.value, channel, request, tenantCode, source, contacts[0]?.source.address ?? '127.0.0.1');
    if (source.recording === true) call.recordCall();
    // DIAL's recording= reaches the call as MiRTA's dialplan variable; it decides over the settings (recording-policy.ts).
    const dialRecording = recordingMode(request.variables.SETRECORDING);
    if (dialRecording !== undefined) call.recordingByDial(dialRecording);
    this.deps.channels.add(channel, { hangup: (cause) => call?.hangup(cause), blindTransfer: async (destination) => (call === undefined ? 'the call is not set up yet' : this.hooks.transfer(call, destination)) });
    this.hooks.track(call);
    const stopDialTimer = context.clock.setTimer(request.dialTimeoutMs, () => {
      for (const leg of legs) leg.cancel();
    });
    side.onSettled = stopDialTimer;
    side.sourceLegs = legs;
    return { ok: true };
  }

  private async sourceAnswered(call: Call, leg: OutboundLeg, body: Buffer, request: OriginateRequest, tenantCode: string, offer: string): Promise<void> {
    const side = call.caller as OriginatedCaller;
    side.onSettled?.();
    side.choose(leg);
    const sdp = readSdp(body);
    if (!sdp.ok) return call.hangup('source-sdp');
    side.offer = sdp.value;
    const address = mediaAddress(sdp.value);
    call.relay.side('a').setRemote(address?.address ?? '', address?.port ?? 0, leg.signallingAddress);
    call.media.setCallerDescription(offer);
    this.deps.channels.update(call.callerChannel.name, { state: 'Up', answeredAt: this.options.context.clock.now(), sipCallId: leg.callId });
    this.hooks.established(call);

    // The destination is a number like any dialled one: its list runs through the one destination runner.
    const targets = await targetsForNumber(this.deps.numbers, request.tenantId, request.destination);
    if (targets.length === 0) return void (await call.refuse(404, 'Not Found'));
    void this.hooks.run(call, targets);
  }

  /**
   * A DIAL refused before the source rang: its one CDR row (refused-call.ts), as the Call would have written it (no
   * direction marker, the source as caller, DIAL's id in originateid) with the SIP answer in the userfield.
   */
  private refused(request: OriginateRequest, tenantCode: string, source: ExtensionTarget, status: number, error: string): OriginateOutcome {
    this.deps.logger.warn({ tenantId: request.tenantId, source: request.source, status, reason: error }, 'dial: refused before the source rang');
    const caller = { number: request.source, name: source.name, extension: request.source, account: source.account };
    const { ids, context } = this.options;
    this.hooks.record(refusedCallRecord(ids, context.clock, { tenantId: request.tenantId, tenantCode, caller, dialled: request.destination, direction: 'LOCAL', sipCallId: '', status, originateId: request.originateId, ...dialVariables(request) }));
    return { ok: false, error };
  }

  private newCall(side: OriginatedCaller, session: RelaySessionControl, channel: ReturnType<typeof callerChannel>, request: OriginateRequest, tenantCode: string, source: ExtensionTarget, domain: string): Call {
    const account = source.account;
    // The destination sees DIAL's destcallerid when given, else the source extension.
    const presented =
      request.destinationCallerId === undefined && request.destinationCallerName === undefined
        ? { number: request.source, name: channel.callerIdName }
        : { number: request.destinationCallerId ?? request.source, name: request.destinationCallerName ?? request.destinationCallerId ?? channel.callerIdName };
    return new Call(this.options.context, side, session, channel, {
      tenantId: request.tenantId,
      tenantCode,
      linkedId: channel.linkedId,
      direction: 'LOCAL',
      originateId: request.originateId,
      sipCallId: '',
      caller: { number: request.source, name: channel.callerIdName, extension: request.source, account },
      dialled: request.destination,
      startedAt: channel.createdAt,
      destination: request.destination,
      calleeAccount: '',
      landed: { kind: 'EXT', label: request.destination },
      ...dialVariables(request),
    }, { presented, callerExtensionId: source.extensionId, domain, variables: request.variables, ...(noFollowOf(request) ? { noFollow: true } : {}) }, request.maxDurationMs);
  }
}

/** DIAL nofollow=yes, given as the request's flag or as the SETNOFOLLOWEXTENSION variable MiRTA's dialplan reads. */
function noFollowOf(request: OriginateRequest): boolean {
  return request.noFollow ?? request.variables.SETNOFOLLOWEXTENSION?.toLowerCase() === 'yes';
}

/** The variables DIAL's caller gave (var=, listed in VARLIST), not the options MiRTA passes as variables: for the CDR. */
function dialVariables(request: OriginateRequest): { readonly variables?: Readonly<Record<string, string>> } {
  const names = (request.variables.VARLIST ?? '').split(',').filter((name) => name !== '' && Object.hasOwn(request.variables, name));
  return names.length === 0 ? {} : { variables: Object.fromEntries(names.map((name) => [name, request.variables[name] ?? ''])) };
}
