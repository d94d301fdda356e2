// A feature-code call, answered by the PBX itself: the action runs, the phone hears a confirmation tone over
// our own RTP port (RFC 3264 answer with one G.711 codec it offered, RFC 4961 symmetric RTP), then we send BYE.
import { randomInt } from 'node:crypto';
import type { Socket } from 'node:dgram';
import { buildAnswer, RtpPlayer, serializeSdp, silence, type Answer, type RtpSocketPair, type SessionDescription } from '../../../media/index.ts';
import { err, systemClock, type Clock, type Logger, type Result } from '../../../shared/index.ts';
import { confirmationTone, LEAD_IN_MS, type ConfirmationKind } from './confirmation-tone.ts';
import type { FeatureActions } from './feature-actions.ts';
import type { FeatureAction } from './feature-code.ts';

/** Where the call's RTP port comes from: an RtpPortPool over the relay's host and range fits. */
export interface MediaPorts {
  allocate(): Promise<Result<RtpSocketPair, string>>;
  release(pair: RtpSocketPair): void;
}

export interface FeatureCodeDeps {
  readonly actions: FeatureActions;
  readonly ports: MediaPorts;
  /** The address our SDP names (the relay's public address, CallContext.mediaAddress). */
  readonly mediaAddress: string;
  readonly logger: Logger;
  readonly clock?: Clock;
}

/** The caller's leg as a feature code needs it: InboundLeg's answer/bye/reject, plus who is calling. */
export interface FeatureCall {
  readonly tenantId: number;
  readonly extensionId: number;
  readonly offer: SessionDescription;
  answer(sdp: string): boolean;
  bye(): void;
  reject(status: number, reason: string): void;
  /** Aborted when the phone hangs up first (its BYE or CANCEL): the tone stops and no BYE is sent. */
  readonly ended?: AbortSignal;
}

/** What happened, for the CDR: the call is ANSWERED when `answeredAt` is set. */
export interface FeatureCodeSummary {
  readonly action: FeatureAction;
  /** on/off: the new state; failed: the action could not be done; rejected: the call was refused, nothing changed. */
  readonly outcome: ConfirmationKind | 'rejected';
  /** DND: 'on' or 'off'; a flow: its new state (INUSE, NOT_INUSE, ...). */
  readonly state: string | undefined;
  /** One line for logs and the CDR's lastdata. */
  readonly detail: string;
  readonly startedAt: Date;
  readonly answeredAt: Date | undefined;
  readonly endedAt: Date;
  /** The SIP status of a refused call (488 no common codec, 503 no port). */
  readonly status: number | undefined;
  /** Who hung up: 'pbx' after the tone, 'caller' when the phone hung up first. */
  readonly hungUpBy: 'pbx' | 'caller' | undefined;
}

const PCMU = { encoding: 'PCMU', clockRate: 8000, payloadType: 0 } as const;
const PCMA = { encoding: 'PCMA', clockRate: 8000, payloadType: 8 } as const;

/** Runs `action` for the call; never throws (an unexpected error ends the call and is reported as failed). */
export async function runFeatureCode(deps: FeatureCodeDeps, call: FeatureCall, action: FeatureAction): Promise<FeatureCodeSummary> {
  const clock = deps.clock ?? systemClock;
  const startedAt = clock.now();
  const summary = (outcome: FeatureCodeSummary['outcome'], detail: string, extra: Partial<FeatureCodeSummary> = {}): FeatureCodeSummary => ({
    action, outcome, detail, state: undefined, startedAt, answeredAt: undefined, endedAt: clock.now(), status: undefined, hungUpBy: undefined, ...extra,
  });

  // The codec is settled before anything changes, so a refused call leaves every state as it was.
  if (answerFor(call.offer, deps.mediaAddress, 9).ok === false) {
    call.reject(488, 'Not Acceptable Here');
    return summary('rejected', 'no G.711 codec in the offer', { status: 488 });
  }
  const pair = await deps.ports.allocate();
  if (!pair.ok) {
    deps.logger.warn({ error: pair.error }, 'feature code: no RTP port');
    call.reject(503, 'Service Unavailable');
    return summary('rejected', 'no RTP port', { status: 503 });
  }
  const sockets = pair.value;
  // The pool's sockets come without listeners: one now, or an ICMP error would throw out of the event loop.
  for (const socket of [sockets.rtp, sockets.rtcp]) socket.on('error', () => undefined);
  const player = new RtpPlayer();
  const stopOnHangup = (): void => player.stop();
  call.ended?.addEventListener('abort', stopOnHangup, { once: true });
  try {
    const answer = answerFor(call.offer, deps.mediaAddress, sockets.port);
    if (!answer.ok || call.ended?.aborted || !call.answer(serializeSdp(answer.value.sdp))) {
      return summary('rejected', 'the caller left before the answer');
    }
    const answeredAt = clock.now();
    const stream = answer.value.stream;
    const payloadType = stream.payloadTypes[0] === 8 ? 8 : 0;
    const remote = latchingRemote(sockets.rtp, { address: stream.remoteAddress, port: stream.remotePort });
    // The action runs while the lead-in silence plays; the tone that follows says how it went.
    const [result] = await Promise.all([perform(deps, call, action), player.play(silence(LEAD_IN_MS), { payloadType, remote: remote(), socket: sockets.rtp })]);
    if (!call.ended?.aborted) await player.play(confirmationTone(result.outcome), { payloadType, remote: remote(), socket: sockets.rtp });
    const hungUpBy = call.ended?.aborted ? 'caller' : 'pbx';
    if (hungUpBy === 'pbx') call.bye();
    return summary(result.outcome, result.detail, { state: result.state, answeredAt, hungUpBy });
  } catch (error) {
    deps.logger.error({ err: error }, 'feature code: failed');
    call.bye();
    return summary('failed', 'internal error');
  } finally {
    player.stop();
    call.ended?.removeEventListener('abort', stopOnHangup);
    deps.ports.release(sockets);
  }
}

interface ActionResult {
  readonly outcome: ConfirmationKind;
  readonly state: string | undefined;
  readonly detail: string;
}

async function perform(deps: FeatureCodeDeps, call: FeatureCall, action: FeatureAction): Promise<ActionResult> {
  try {
    if (action.kind === 'dnd') {
      const on = await deps.actions.setDnd(call.tenantId, call.extensionId, action.value === 'toggle' ? 'toggle' : action.value === 'on');
      return { outcome: on ? 'on' : 'off', state: on ? 'on' : 'off', detail: `DND ${on ? 'on' : 'off'}` };
    }
    const state = await deps.actions.toggleFlow(call.tenantId, action.number, action.value === 'toggle' ? undefined : action.value);
    if (state === undefined) return { outcome: 'failed', state: undefined, detail: `no flow ${action.number}` };
    // A lit lamp (INUSE) is "on"; every other state reads as off.
    return { outcome: state === 'INUSE' ? 'on' : 'off', state, detail: `flow ${action.number} ${state}` };
  } catch (error) {
    deps.logger.warn({ err: error, action }, 'feature code: action failed');
    return { outcome: 'failed', state: undefined, detail: `${action.kind} failed` };
  }
}

/**
 * Our answer: the offer's audio stream with exactly one codec, PCMU when offered, else PCMA (one codec, so the
 * phone sends what we send; the tone is encoded once). RFC 4733 events are not offered: no digits are read here.
 */
function answerFor(offer: SessionDescription, address: string, port: number): Result<Answer, string> {
  const options = { address, port, sessionId: String(randomInt(1, 2 ** 31)), sessionVersion: '1', username: 'callgrid' };
  const pcmu = buildAnswer(offer, { ...options, codecs: [PCMU] });
  if (pcmu.ok) return pcmu;
  const pcma = buildAnswer(offer, { ...options, codecs: [PCMA] });
  return pcma.ok ? pcma : err(pcma.error);
}

/**
 * RFC 4961 symmetric RTP: we send from the port the phone sends to, and to where its packets come from once one
 * has arrived (behind NAT that differs from the SDP's address); until then, to the SDP's address.
 */
function latchingRemote(socket: Socket, fromSdp: { address: string; port: number }): () => { address: string; port: number } {
  let latched: { address: string; port: number } | undefined;
  socket.on('message', (data, source) => {
    // Only an RTP version 2 packet latches; a stray datagram does not redirect the tone.
    if (latched === undefined && data.length >= 12 && (data[0] ?? 0) >> 6 === 2) latched = { address: source.address, port: source.port };
  });
  return () => latched ?? fromSdp;
}
