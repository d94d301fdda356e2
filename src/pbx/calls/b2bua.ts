// The B2BUA: every call through Callgrid is two (or more) SIP dialogs joined here, with the media anchored in our
// relay. This file routes SIP events to calls; call-setup.ts turns a new INVITE into a caller and a destination
// list, the one DestinationRunner runs lists with the node's applications, call.ts runs a call.
import type { Clock } from '../../shared/index.ts';
import {
  Dialog,
  parseNameAddr,
  parseUri,
  type ClientTransaction,
  type InboundSource,
  type ServerInviteTransaction,
  type ServerTransaction,
  type SipRequest,
  type SipResponse,
} from '../../sip/index.ts';
import type { CdrWriter } from '../cdr/index.ts';
import { attendedTransfer } from './attended-transfer.ts';
import { transferCaller } from './blind-transfer.ts';
import { Call, type CallContext } from './call.ts';
import { DEFAULT_ADMISSION, type AdmissionPolicy } from './call-admission.ts';
import { CallDrain } from './admission-drain.ts';
import { CallIds } from './call-ids.ts';
import { CallSetup } from './call-setup.ts';
import { DialogTable, type DialogEntry } from './dialog-entry.ts';
import { replacesOf } from './replaces-header.ts';
import { transferWithReplaces } from './replaces-transfer.ts';
import type { IdentitySettings } from './connected-line.ts';
import type { CallCounters, SetupDeps, SetupHooks } from './call-setup-types.ts';
import { InboundLeg } from './inbound-leg.ts';
import type { CallOriginator, OriginateOutcome, OriginateRequest } from './originate-request.ts';
import { Originator } from './originator.ts';
import { OutboundLeg } from './outbound-leg.ts';
import { DestinationRunner, type RunnerCounters } from './runner/destination-runner.ts';
import { dtmfOfInfo } from './dtmf-info.ts';
import type { Applications, RingTarget } from './runner/step.ts';
import type { LiveCallJournal } from './live-call-journal.ts';

/** What call setup needs (its counters are the B2BUA's own), plus the CDR writer, the clock and the applications. */
export interface B2buaDeps extends Omit<SetupDeps, 'counters'> {
  readonly cdrs: CdrWriter;
  readonly clock: Clock;
  /** The node's applications by tag (pbx-node.ts builds them; they count on the B2BUA's counters). */
  readonly applications: (counters: CallCounters) => Applications;
  /** Which identity headers each extension's phone reads in connected line updates; none = P-Asserted-Identity. */
  readonly identities?: IdentitySettings;
  /** Keeps each call in progress in the store, for recovery after a crash (live-call-journal.ts); none = not kept. */
  readonly journal?: LiveCallJournal;
}

export interface B2buaOptions {
  readonly nodeName: string;
  /** The address our SDP names for the relay. */
  readonly mediaAddress: string;
  /**
   * The relay listens on every interface and no public address is set: the caller's SDP names the address its
   * request reached (its flow's local address), which the caller can reach, instead of `mediaAddress`.
   */
  readonly mediaAddressFromFlow?: boolean;
  readonly realm: string;
  /** How long a callee may ring before the call counts as not answered. Default 60 s. */
  readonly ringTimeoutMs?: number;
  /** Longest answered call; undefined = no limit. */
  readonly maxDurationMs?: number;
  /** Limits on new calls beyond te_maxchannels (DEFAULT_ADMISSION when not given). */
  readonly admission?: AdmissionPolicy;
  /** Where recorded calls go; none = no call is recorded on this node. */
  readonly recordings?: CallContext['recordings'];
  /** The tenants' music for parties on hold; none = silence. */
  readonly moh?: CallContext['moh'];
  /** Told of finished recordings. */
  readonly recordingLog?: CallContext['recordingLog'];
}

export class B2bua implements CallOriginator {
  private readonly calls = new Set<Call>();
  private readonly invites = new Map<ServerInviteTransaction, Call>();
  private readonly clientLegs = new Map<ClientTransaction, OutboundLeg>();
  private readonly dialogs = new DialogTable();
  /** Each call's own INVITE transaction (the caller's), so a call that ends drops its entry without a pass. */
  private readonly inviteOf = new Map<Call, ServerInviteTransaction>();
  /** Calls finished since ended client transactions were last swept. */
  private finishedSinceSweep = 0;
  /** Callers whose BYE waits for the ACK of our 2xx after their call ended (RFC 3261 §15), by dialog key; at most 64*T1. */
  private readonly heldByes = new Map<string, InboundLeg>();
  private readonly setup: CallSetup;
  /** Calls refused at a limit; read by the API and logs. */
  readonly counters: CallCounters = { tenantLimit: 0, providerLimit: 0, didLimit: 0, tenantShareLimit: 0, extensionLimit: 0 };
  /** Destination steps of tags not built yet, loops cut, steps that threw. */
  readonly runnerCounters: RunnerCounters = { notBuilt: 0, loops: 0, stepErrors: 0 };
  private readonly originator: Originator;
  /** Begun when the node drains: new INVITEs and originates are refused (admission-drain.ts). */
  readonly drain = new CallDrain();
  private readonly hooks: SetupHooks & { transfer(call: Call, destination: string, beforeRelease?: () => void): Promise<string | undefined> };

  constructor(private readonly deps: B2buaDeps, options: B2buaOptions) {
    const ids = new CallIds(options.nodeName);
    const admission = options.admission ?? DEFAULT_ADMISSION;
    const runner = new DestinationRunner({ applications: deps.applications(this.counters), slots: deps.routing, logger: deps.logger, counters: this.runnerCounters });
    const trackLeg = (leg: OutboundLeg): void => {
      if (leg.transaction) this.clientLegs.set(leg.transaction, leg);
      // Each new leg also sweeps the ended ones, so the map stays the size of the calls in progress.
      if (this.clientLegs.size % 64 === 0) this.forgetEndedTransactions();
    };
    // Numbers as destination lists: the tenant's extensions, numbered objects and short numbers.
    const numbers = {
      findExtension: (tenantId: number, number: string) => deps.directory.findExtension(tenantId, number),
      findNumbered: (tenantId: number, number: string) => deps.routing.findNumbered(tenantId, number),
      shortNumber: (tenantId: number, number: string) => deps.routing.shortNumber(tenantId, number),
    };
    const context = {
      legs: { stack: deps.stack, ids, nodeName: options.nodeName, trackLeg, established: (call: Call) => this.established(call) },
      clock: deps.clock,
      logger: deps.logger,
      channels: deps.channels,
      mediaAddress: options.mediaAddress,
      ...(options.mediaAddressFromFlow === true ? { callerMediaAddress: flowMediaAddress, calleeMediaAddress: (target: RingTarget) => usableAddress(deps.stack.localToward(target.endpoint, target.flowId)?.address) } : {}),
      ringTimeoutMs: options.ringTimeoutMs ?? 60_000,
      maxDurationMs: options.maxDurationMs,
      ...(options.recordings === undefined ? {} : { recordings: options.recordings }),
      ...(options.moh === undefined ? {} : { moh: options.moh }),
      ...(options.recordingLog === undefined ? {} : { recordingLog: options.recordingLog }),
      finished: (call: Call, record: Parameters<CdrWriter['write']>[0]) => this.finished(call, record),
      calleeReplaced: (call: Call, leg: OutboundLeg) => {
        if (leg.dialog !== undefined) this.dialogs.set(leg.dialog.id, { call, side: 'b', leg });
        deps.journal?.changed(call);
      },
      attendedTransfer: (call: Call, destination: string) =>
        attendedTransfer(deps, { ...options, ids, context }, {
          trackLeg: (leg) => {
            if (leg.transaction) this.clientLegs.set(leg.transaction, leg);
          },
          consulting: (c, leg) => {
            if (leg.dialog !== undefined) this.dialogs.set(leg.dialog.id, { call: c, side: 'consult', leg });
          },
        }, call, destination),
    };
    const hooks: B2bua['hooks'] = {
      track: (call: Call) => {
        this.calls.add(call);
        deps.journal?.opened(call);
      },
      record: (record) => void this.deps.cdrs.write(record),
      trackLeg,
      established: (call: Call) => this.established(call),
      run: (call, targets) => runner.run(call, targets),
      transfer: (call: Call, destination: string, beforeRelease?: () => void) => transferCaller({ ...deps, numbers }, hooks, call, destination, beforeRelease),
    };
    this.hooks = hooks;
    this.setup = new CallSetup({ ...deps, numbers, counters: this.counters }, { ...options, admission, ids, context }, hooks);
    this.originator = new Originator({ ...deps, numbers, counters: this.counters }, { ...options, admission, ids, context }, hooks);
  }

  get activeCalls(): number {
    return this.calls.size;
  }

  /** A new INVITE (no To tag) starts a call; one with a To tag is a re-INVITE in an existing dialog. */
  handleInvite(transaction: ServerInviteTransaction, request: SipRequest, source: InboundSource): void {
    if (Dialog.keyOfRequest(request) !== undefined) return this.handleInDialog(transaction, request);
    if (this.drain.refuseInvite(this.deps.stack, transaction)) return;
    const leg = new InboundLeg(this.deps.stack, transaction, request, source, this.deps.clock, this.deps.logger, () => {
      const call = this.invites.get(transaction);
      call?.hangup('no-ack');
    });
    void this.setup.start(leg).then((call) => {
      if (call === undefined) return;
      this.invites.set(transaction, call);
      this.inviteOf.set(call, transaction);
    });
  }

  /** BYE, re-INVITE, UPDATE, INFO, NOTIFY, OPTIONS, REFER inside a dialog we hold (§12.2.2). */
  handleInDialog(transaction: ServerTransaction, request: SipRequest): void {
    const stack = this.deps.stack;
    const key = Dialog.keyOfRequest(request);
    const entry = key === undefined ? undefined : this.dialogs.get(key);
    // §12.2.2: "If the UAS receives a request with a To tag that does not match any existing dialog, it SHOULD
    // return a 481 (Call/Transaction Does Not Exist)".
    if (entry === undefined) return void stack.respond(transaction, 481, 'Call/Transaction Does Not Exist');
    const dialog = entry.leg.dialog;
    // §12.2.2: a request with a lower CSeq than the last one "MUST be rejected with a 500 (Server Internal Error)".
    if (dialog !== undefined && !dialog.checkRemoteSeq(request)) return void stack.respond(transaction, 500, 'Server Internal Error');
    if (entry.side === 'released') return this.released(transaction, request, key ?? '', entry);
    switch (request.method) {
      case 'BYE':
        stack.respond(transaction, 200, 'OK');
        if (entry.side === 'a') entry.call.callerEnded();
        else if (entry.side === 'consult') {
          (entry.leg as OutboundLeg).ended();
          entry.call.consultation?.ended(entry.leg as OutboundLeg);
        } else entry.call.calleeEnded(entry.leg as OutboundLeg);
        return;
      case 'INVITE':
      case 'UPDATE': {
        if (dialog !== undefined) dialog.refreshTarget(request);
        // A consultation's target talks on the consultation's own session: its description, not side b's.
        if (entry.side === 'consult') {
          const sdp = entry.call.consultationDescription(request.body) ?? entry.call.media.localDescription('b', request.body);
          return void stack.respond(transaction, 200, 'OK', [['Contact', dialog?.localContact ?? ''], ['Content-Type', 'application/sdp']], sdp);
        }
        const side = entry.side;
        if (request.body.length > 0) entry.call.reinvited(side, request.body);
        const sdp = entry.call.media.localDescription(side, request.body);
        stack.respond(transaction, 200, 'OK', [['Contact', dialog?.localContact ?? ''], ['Content-Type', 'application/sdp']], sdp);
        return;
      }
      case 'REFER':
        return void this.refer(transaction, request, entry);
      case 'INFO': {
        stack.respond(transaction, 200, 'OK');
        // SIP INFO DTMF: a key for the PBX when it answered this party (a prompt, a menu); other INFO is acknowledged.
        const key = dtmfOfInfo(request.headers.get('content-type'), request.body);
        if (key !== undefined && entry.side !== 'consult') entry.call.keyPressed(entry.side, key.digit, key.durationMs);
        return;
      }
      default:
        // NOTIFY, OPTIONS and the rest: acknowledged; the call goes on.
        return void stack.respond(transaction, 200, 'OK');
    }
  }

  /** An ACK for a 2xx (§13.3.1.4): stops the 2xx retransmissions of the caller's leg (and releases a held BYE). */
  handleAck(request: SipRequest): void {
    const key = Dialog.keyOfRequest(request);
    if (key === undefined) return;
    const entry = this.dialogs.get(key);
    if (entry?.leg instanceof InboundLeg) return entry.leg.acked();
    const held = this.heldByes.get(key);
    this.heldByes.delete(key);
    held?.acked();
  }

  /** The caller cancelled its INVITE: the stack already answered 487 (§9.2). */
  handleCancel(invite: ServerInviteTransaction): void {
    const call = this.invites.get(invite);
    if (call !== undefined) call.callerEnded();
    else this.setup.cancelled(invite);
  }

  /** Responses to the INVITEs we sent; 2xx retransmissions are ACKed again by their leg. */
  handleResponse(response: SipResponse, transaction: ClientTransaction | undefined): void {
    if (transaction !== undefined) return void this.clientLegs.get(transaction)?.handleResponse(response);
    // A 2xx that outlived its transaction (after Timer M, or from a peer that changed its Via): §13.2.2.4 still wants
    // it ACKed, which the leg of its dialog does.
    if (response.status < 200 || response.status >= 300) return;
    const key = Dialog.keyOfResponse(response);
    const entry = key === undefined ? undefined : this.dialogs.get(key);
    if (entry !== undefined && entry.leg instanceof OutboundLeg) entry.leg.handleResponse(response);
  }

  originate(request: OriginateRequest): Promise<OriginateOutcome> {
    const draining = this.drain.refuseOriginate();
    if (draining !== undefined) return Promise.resolve({ ok: false, error: draining });
    return this.originator.originate(request);
  }

  /** Ends every call (node shutdown). */
  hangupAll(cause: string): void {
    for (const call of [...this.calls]) call.hangup(cause);
  }

  /**
   * A phone's blind transfer (RFC 3515): the called party refers the caller to another number. 202, a NOTIFY with
   * the sipfrag of how it went (RFC 3515 §2.4.5), then its leg is released. A Refer-To with Replaces (RFC 3891) is
   * the phone's own attended transfer (replaces-transfer.ts); a caller's blind transfer of the callee is refused.
   */
  private async refer(transaction: ServerTransaction, request: SipRequest, entry: DialogEntry): Promise<void> {
    const stack = this.deps.stack;
    const referTo = parseNameAddr(request.headers.get('refer-to') ?? '');
    const target = referTo.ok ? parseUri(referTo.value.uri) : undefined;
    if (target === undefined || !target.ok) return void stack.respond(transaction, 400, 'Bad Refer-To');
    // With Replaces the dialog it names is the target, whatever the URI's user part (phones put C's Contact there).
    const replaces = replacesOf(target.value.headers);
    if (replaces !== undefined) return transferWithReplaces({ stack, logger: this.deps.logger, identities: this.deps.identities, dialogs: this.dialogs, notify: (d, status, state) => this.notifyRefer(d, status, state) }, transaction, entry, replaces);
    if (target.value.user === undefined) return void stack.respond(transaction, 400, 'Bad Refer-To');
    if (entry.side !== 'b' || entry.leg.dialog === undefined) return void stack.respond(transaction, 403, 'Only The Called Party Can Transfer');
    const dialog = entry.leg.dialog;
    stack.respond(transaction, 202, 'Accepted');
    this.notifyRefer(dialog, '100 Trying', 'active;expires=60');
    let notified = false;
    const error = await this.hooks.transfer(entry.call, decodeURIComponent(target.value.user), () => {
      notified = true;
      this.notifyRefer(dialog, '200 OK', 'terminated;reason=noresource');
    });
    if (error !== undefined && !notified) this.notifyRefer(dialog, '503 Service Unavailable', 'terminated;reason=noresource');
  }

  /** A phone that completed its own attended transfer: its BYE ends its leg only; it may change nothing else. */
  private released(transaction: ServerTransaction, request: SipRequest, key: string, entry: DialogEntry): void {
    const stack = this.deps.stack;
    if (request.method === 'BYE') {
      stack.respond(transaction, 200, 'OK');
      entry.leg.ended();
      this.dialogs.delete(key);
      return;
    }
    if (request.method === 'INVITE' || request.method === 'UPDATE' || request.method === 'REFER') return void stack.respond(transaction, 403, 'Transferred');
    stack.respond(transaction, 200, 'OK');
  }

  private notifyRefer(dialog: Dialog, status: string, state: string): void {
    const notify = dialog.createRequest('NOTIFY', {
      headers: [['Event', 'refer'], ['Subscription-State', state]],
      body: `SIP/2.0 ${status}\r\n`,
      contentType: 'message/sipfrag;version=2.0',
    });
    const sent = this.deps.stack.sendRequest(notify, dialog.peer.endpoint, dialog.peer.flowId);
    if (sent.ok) void sent.value.final;
  }

  private established(call: Call): void {
    const a = call.caller.leg.dialog;
    const b = call.answeredLeg?.dialog;
    if (a !== undefined) this.dialogs.set(a.id, { call, side: 'a', leg: call.caller.leg });
    if (b !== undefined && call.answeredLeg !== undefined) this.dialogs.set(b.id, { call, side: 'b', leg: call.answeredLeg });
    this.deps.journal?.changed(call);
  }

  private finished(call: Call, record: Parameters<CdrWriter['write']>[0]): void {
    this.calls.delete(call);
    for (const [key, held] of this.heldByes) if (!held.awaitingAckForBye) this.heldByes.delete(key);
    for (const [key, entry] of this.dialogs.removeCall(call)) {
      // Its BYE waits for this ACK (§15): the ACK must still find the leg after the call is gone.
      if (entry.leg instanceof InboundLeg && entry.leg.awaitingAckForBye) this.heldByes.set(key, entry.leg);
    }
    const invite = this.inviteOf.get(call);
    this.inviteOf.delete(call);
    if (invite !== undefined && this.invites.get(invite) === call) this.invites.delete(invite);
    // The call's INVITE transactions stay mapped until they end: a 2xx crossing a CANCEL still needs its ACK and BYE.
    // Swept every 64 calls, as trackLeg does every 64 legs: a pass per call would cost in proportion to the calls up.
    if (++this.finishedSinceSweep >= 64) {
      this.finishedSinceSweep = 0;
      this.forgetEndedTransactions();
    }
    const written = this.deps.cdrs.write(record);
    this.deps.journal?.closed(call.linkedId, written);
  }

  /** Drops the client transactions that reached Terminated (their legs are done with SIP answers). */
  private forgetEndedTransactions(): void {
    for (const tx of this.clientLegs.keys()) if (tx.state === 'terminated') this.clientLegs.delete(tx);
  }
}

/** The local address a caller's request reached, when it names one interface (not a wildcard): what it can reach. */
function flowMediaAddress(leg: InboundLeg | OutboundLeg): string | undefined {
  return leg instanceof InboundLeg ? usableAddress(leg.source.local?.address) : undefined;
}

/** An IPv4 address of one interface (a wildcard or an IPv6 address would need more than the c= line changed). */
function usableAddress(address: string | undefined): string | undefined {
  const bare = address?.replace(/%.*$/, '');
  return bare === undefined || bare === '' || bare === '0.0.0.0' || bare.includes(':') ? undefined : bare;
}
