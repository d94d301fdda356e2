// Keys between the two parties of a bridged call (DTMF interworking). RFC 4733 events pass through the relay as they
// are when both legs negotiated telephone-event; a key one leg sends in SIP INFO goes to the other leg as RFC 4733
// events (the relay sends them from that leg's side) or, when that leg has no telephone-event, as SIP INFO; and a
// leg that has no telephone-event gets the other leg's RFC 4733 keys as SIP INFO (the relay listens for them on the
// sending side). So a phone that only sends INFO can drive a bank's IVR behind a carrier, and the other way round.
import type { RelaySideControl, SessionDescription } from '../../media/index.ts';
import type { Logger } from '../../shared/index.ts';
import type { Dialog, SipStack } from '../../sip/index.ts';
import { dtmfRelayBody } from './dtmf-info.ts';

/** A key's length when the sender did not say (dtmf-relay without Duration, RFC 4733 heard at its start). */
const DEFAULT_KEY_MS = 160;

export type CallSide = 'a' | 'b';

/** The telephone-event payload type a description lists for the first audio stream (what its sender receives). */
export function telephoneEventOf(description: SessionDescription | undefined): number | undefined {
  const audio = description?.media.find((m) => m.media === 'audio' && m.port !== 0);
  const map = audio?.attributes.find((a) => a.kind === 'rtpmap' && a.encoding.toLowerCase() === 'telephone-event');
  return map?.kind === 'rtpmap' ? map.payloadType : undefined;
}

export interface BridgedLegs {
  /** Where each party's media is on the relay (after an attended transfer, the callee's is on another session). */
  sideOf(side: CallSide): RelaySideControl;
  /** The dialog of each party, to send it INFO. */
  dialogOf(side: CallSide): Dialog | undefined;
  /** The telephone-event payload type each party receives, or undefined when it negotiated none. */
  eventPayloadType(side: CallSide): number | undefined;
}

/** Which parties' keys the call watches for its in-call codes (in-call-codes.ts), and who hears them. */
export interface KeyWatch {
  readonly sides: readonly CallSide[];
  heard(side: CallSide, digit: string): void;
}

export class CallDtmf {
  /** The sides whose RFC 4733 keys the relay listens to: to carry them as INFO to a party without events, or watched. */
  private listening: CallSide[] = [];

  constructor(
    private readonly stack: SipStack,
    private readonly logger: Logger,
  ) {}

  /**
   * The call was bridged (answered, transferred): listen where events must become INFO, and on watched sides, stop
   * elsewhere. A watched side without telephone-event is heard only by SIP INFO: in-band detection on every packet of
   * a bridged call would cost more than the codes are worth.
   */
  bridged(legs: BridgedLegs, watch?: KeyWatch): void {
    this.unbridged(legs);
    const [ptA, ptB] = [legs.eventPayloadType('a'), legs.eventPayloadType('b')];
    // Only a leg with events facing a leg without them needs the relay to hear keys: both with events pass them
    // through as they are; both without, keys are in-band audio (passed as it is) or INFO (carried here).
    const from: CallSide | undefined = ptA !== undefined && ptB === undefined ? 'a' : ptB !== undefined && ptA === undefined ? 'b' : undefined;
    for (const name of ['a', 'b'] as const) {
      const pt = name === 'a' ? ptA : ptB;
      const interwork = name === from;
      const watched = watch !== undefined && watch.sides.includes(name);
      if (pt === undefined || (!interwork && !watched)) continue;
      const side = legs.sideOf(name);
      side.onDtmf = (digit) => {
        if (interwork) this.toInfo(legs, name === 'a' ? 'b' : 'a', digit, DEFAULT_KEY_MS);
        if (watched) watch.heard(name, digit);
      };
      side.detectDtmf({ mode: 'rfc4733', telephoneEventPayloadType: pt, audioEncodings: {} });
      this.listening.push(name);
    }
  }

  /** The bridge is over (the call ends, a party left): the relay stops listening. */
  unbridged(legs: Pick<BridgedLegs, 'sideOf'>): void {
    for (const name of this.listening) {
      const side = legs.sideOf(name);
      side.detectDtmf(undefined);
      side.onDtmf = undefined;
    }
    this.listening = [];
  }

  /** A key party `from` sent in SIP INFO: to the other party, as RFC 4733 when it takes events, else as INFO. */
  infoKey(legs: BridgedLegs, from: CallSide, digit: string, durationMs: number | undefined): void {
    const to: CallSide = from === 'a' ? 'b' : 'a';
    const pt = legs.eventPayloadType(to);
    if (pt !== undefined) return legs.sideOf(to).sendDtmf(digit, { durationMs: durationMs ?? DEFAULT_KEY_MS, payloadType: pt });
    this.toInfo(legs, to, digit, durationMs ?? DEFAULT_KEY_MS);
  }

  private toInfo(legs: BridgedLegs, to: CallSide, digit: string, durationMs: number): void {
    const dialog = legs.dialogOf(to);
    if (dialog === undefined) return;
    const info = dialog.createRequest('INFO', { body: dtmfRelayBody(digit, durationMs), contentType: 'application/dtmf-relay' });
    const sent = this.stack.sendRequest(info, dialog.peer.endpoint, dialog.peer.flowId);
    if (!sent.ok) return void this.logger.warn({ error: sent.error }, 'call: INFO key not sent');
    void sent.value.final;
  }
}
