// The media of one call: where each party's RTP is on the relay (the caller on side a, the callee on side b or,
// after an attended transfer, on the consultation's session) and the descriptions we send each side. One version
// counter serves the whole call, and the last description a side got is what answers to its re-INVITEs renew.
// A call offloaded to rtpengine (media-offload.ts) has rtpengine's session instead of the relay's: its descriptions
// name rtpengine's ports, and each description a party gives is passed on to rtpengine (offer/answer) instead.
import { restrictCodecs, serializeSdp, type RelaySessionControl, type RelaySideControl, type RtpengineSession, type SessionDescription } from '../../media/index.ts';
import type { CallerSide } from './caller-side.ts';
import type { Consultation } from './consultation.ts';
import type { OutboundLeg } from './outbound-leg.ts';
import { telephoneEventOf } from './call-dtmf.ts';
import { anchoredSdp, mediaAddress, pbxAnswer, readSdp, reanswer, withCallerEvents, type PbxFormat } from './media-plan.ts';
import { isOffloaded } from './media-offload.ts';

export class CallMedia {
  private sdpVersion = 1;
  /** The last description we sent each side: answers to its re-INVITEs reuse it. */
  private readonly sentTo: { a?: string; b?: string } = {};
  /** After a blind transfer the caller already talks to us: new callees are connected without answering it again. */
  private connected = false;
  /** The description the next callee is offered once the caller is connected: what the caller uses now. */
  private offerForCallee: SessionDescription;
  /** The relay side the callee's media is on: side b, or after an attended transfer a second session's side. */
  private calleeSide: RelaySideControl;
  /** The last description of the callee (its answer): what it receives. */
  private calleeDescription: SessionDescription | undefined;
  /** Relay sessions the call took over from consultations; closed with the call. */
  private readonly extraSessions: RelaySessionControl[] = [];
  /** The call's media is on rtpengine: this is its session there (until it moves to the relay: movedToRelay). */
  private offloaded: RtpengineSession | undefined;

  constructor(
    private readonly relay: RelaySessionControl,
    private readonly caller: CallerSide,
    /** The address written into our SDP (the relay's public address). */
    private readonly address: string,
    /**
     * The address written into what the caller gets: on a node listening on every interface, the one the caller's
     * request reached, since the node's main address may be one the caller cannot reach (docs/compatibility.md).
     */
    private readonly callerAddress: string = address,
  ) {
    this.offerForCallee = caller.offer;
    this.calleeSide = relay.side('b');
    this.offloaded = isOffloaded(relay) ? relay : undefined;
    this.pointCaller();
  }

  /**
   * The caller's side sends to the address its offer names until the caller's own packets arrive, so a caller that
   * listens before it speaks (a carrier's DID call, a phone that waits for audio) hears ringback and prompts; and
   * media is taken only from that address or the caller's signalling one. A click-to-call's source is pointed
   * when it answers (originator.ts).
   */
  private pointCaller(): void {
    const address = mediaAddress(this.caller.offer);
    this.relay.side('a').setRemote(address?.address ?? '', address?.port ?? 0, this.caller.leg.signallingAddress);
  }

  /** The caller already talks to us (a blind transfer's): it gets neither an answer nor early media again. */
  get callerConnected(): boolean {
    return this.connected;
  }

  /**
   * The offer for the callee: the caller's description on relay side B, narrowed to `codecs` when the callee
   * accepts only some (a carrier's allow list); undefined when none of the caller's codecs is among them.
   */
  calleeOffer(): string;
  calleeOffer(codecs: readonly string[]): string | undefined;
  calleeOffer(codecs: readonly string[] = []): string | undefined {
    const description = restrictCodecs(this.offloadedOffer() ?? this.callerDescription, codecs);
    if (description === undefined) return undefined;
    const offer = anchoredSdp(description, this.offloaded?.calleeFacing.address ?? this.address, this.relay.side('b').localPort, this.sdpVersion++);
    this.sentTo.b = offer;
    return offer;
  }

  /** A ringing callee's early media, re-pointed at side a for the caller (a 183's SDP; not kept as an answer). */
  callerEarlyMedia(calleeDescription: SessionDescription): string {
    return anchoredSdp(calleeDescription, this.offloaded?.callerFacing.address ?? this.callerAddress, this.relay.side('a').localPort, this.sdpVersion++);
  }

  /** The answering callee's description, re-pointed at side a: our answer to the caller (events kept for its keys). */
  callerAnswer(calleeDescription: SessionDescription): string {
    // Offloaded: the port rtpengine reserved for the caller at the offer, which its answer (sent just before, in
    // pointCallee) names too; this method is synchronous, so the caller's SDP is built here rather than awaited.
    const answer = anchoredSdp(withCallerEvents(calleeDescription, this.callerDescription), this.offloaded?.callerFacing.address ?? this.callerAddress, this.relay.side('a').localPort, this.sdpVersion++);
    this.sentTo.a = answer;
    return answer;
  }

  /** The PBX answers the caller itself: our description (one G.711 law and telephone-event on side a), kept as the caller's. */
  pbxAnswer(): PbxFormat | undefined {
    const format = pbxAnswer(this.callerDescription, this.callerAddress, this.relay.side('a').localPort, this.sdpVersion++);
    if (format !== undefined && !this.connected) this.sentTo.a = format.sdp;
    return format;
  }

  /** The caller took the PBX's answer: parties rung later are offered what it uses now and bridged without a new answer. */
  answeredByPbx(): void {
    this.offerForCallee = this.callerUsesNow() ?? this.offerForCallee;
    this.connected = true;
  }

  /** For a call the PBX placed: the description the caller side got from us (re-INVITE answers reuse it). */
  setCallerDescription(sdp: string): void {
    this.sentTo.a = sdp;
  }

  /**
   * Our answer to a re-INVITE or UPDATE from one side (hold, resume, a media address change): the description we
   * gave that side before, with a new version and the direction the offer allows (RFC 3264 §8.4, §6.1).
   */
  localDescription(side: 'a' | 'b', offerBody: Buffer): string {
    const previous = this.sentTo[side] ?? '';
    const offer = offerBody.length > 0 ? readSdp(offerBody) : undefined;
    return reanswer(previous, offer?.ok ? offer.value : undefined, this.sdpVersion++);
  }

  /** The offer for a consultation target: the codec the call uses now, on the consultation session's port. */
  consultationOffer(port: number): string {
    return anchoredSdp(this.callerUsesNow() ?? this.caller.offer, this.address, port, this.sdpVersion++);
  }

  /** Our answer to the consultation target's re-INVITE or UPDATE, with its session following the target's media. */
  consultationDescription(consultation: Consultation, offerBody: Buffer): string {
    const offer = offerBody.length > 0 ? readSdp(offerBody) : undefined;
    const address = offer?.ok ? mediaAddress(offer.value) : undefined;
    if (address !== undefined) {
      consultation.session.side('b').setRemote(address.address, address.port);
      consultation.session.hold('b', address.direction !== 'sendrecv');
    }
    return reanswer(consultation.offer, offer?.ok ? offer.value : undefined, this.sdpVersion++);
  }

  /** Ringback to side a in the law the caller uses (PCMU or PCMA; none for another codec), or silence it. */
  ringback(on: boolean): void {
    const side = this.relay.side('a');
    if (!on) return side.playTone(undefined);
    const payloadType = g711Of(this.callerDescription);
    if (payloadType !== undefined) side.playTone({ name: 'ringback', payloadType });
  }

  /** Where a party's media is on the relay: the caller's on side a, the callee's on side b or a consultation's. */
  sideOf(side: 'a' | 'b'): RelaySideControl {
    return side === 'a' ? this.relay.side('a') : this.calleeSide;
  }

  /** The payload types the recorder decodes: the law the caller uses now, and its telephone-event (not audio). */
  recordEncodings(): Record<number, 'PCMU' | 'PCMA' | 'telephone-event' | 'CN'> {
    const description = this.callerUsesNow() ?? this.callerDescription;
    const encodings: Record<number, 'PCMU' | 'PCMA' | 'telephone-event' | 'CN'> = { 0: 'PCMU', 8: 'PCMA', 13: 'CN' };
    const audio = description.media.find((m) => m.media === 'audio' && m.port !== 0);
    for (const attribute of audio?.attributes ?? []) {
      if (attribute.kind !== 'rtpmap') continue;
      const name = attribute.encoding.toUpperCase();
      if (name === 'PCMU' || name === 'PCMA' || name === 'CN') encodings[attribute.payloadType] = name;
      if (name === 'TELEPHONE-EVENT') encodings[attribute.payloadType] = 'telephone-event';
    }
    return encodings;
  }

  /** The telephone-event payload type each party receives (RFC 4733 keys sent to it), or undefined without events. */
  eventPayloadType(side: 'a' | 'b'): number | undefined {
    // The caller's events are those our answer gave it (it may hold events the callee has none of).
    if (side === 'a') return telephoneEventOf(this.callerUsesNow() ?? this.callerDescription);
    return telephoneEventOf(this.calleeDescription);
  }

  /** The callee's description (early media, its answer) says where it wants its RTP; its media is taken from there or its signalling address. */
  pointCallee(sdp: SessionDescription, leg: OutboundLeg): void {
    this.calleeDescription = sdp;
    // What this party was offered is what later answers to its re-INVITEs build on (its address may be its own).
    this.sentTo.b = leg.offeredSdp;
    const address = mediaAddress(sdp);
    this.calleeSide.setRemote(address?.address ?? '', address?.port ?? 0, leg.signallingAddress);
    this.offloaded?.calleeDescribed(serializeSdp(sdp));
  }

  /**
   * A re-INVITE or UPDATE from one side moved its media (new address, hold): point the relay at it. Answers whether
   * that side now holds the call (its offer is sendonly or inactive), or undefined when the body changes nothing.
   */
  remoteMediaChanged(side: 'a' | 'b', body: Buffer): boolean | undefined {
    const sdp = readSdp(body);
    if (!sdp.ok) return undefined;
    const address = mediaAddress(sdp.value);
    if (address === undefined) return undefined;
    this.sideOf(side).setRemote(address.address, address.port);
    // rtpengine learns the party's new description (hold, a new address) through a new offer/answer round.
    if (side === 'a') this.offloaded?.callerDescribed(body.toString('utf8'));
    else this.offloaded?.calleeDescribed(body.toString('utf8'));
    const held = address.direction !== 'sendrecv';
    this.relay.hold(side, held);
    return held;
  }

  /** The G.711 law a party receives (what the relay plays to it), or undefined when it speaks another codec. */
  playFormatOf(side: 'a' | 'b'): { readonly payloadType: number; readonly encoding: 'PCMU' | 'PCMA' } | undefined {
    const description = side === 'a' ? (this.callerUsesNow() ?? this.callerDescription) : this.calleeDescription;
    const audio = description?.media.find((m) => m.media === 'audio' && m.port !== 0);
    for (const format of audio?.formats ?? []) {
      const map = audio?.attributes.find((a) => a.kind === 'rtpmap' && a.payloadType === Number(format));
      const name = map?.kind === 'rtpmap' ? map.encoding.toUpperCase() : format === '0' ? 'PCMU' : format === '8' ? 'PCMA' : '';
      if (name === 'PCMU' || name === 'PCMA') return { payloadType: Number(format), encoding: name };
      // The first codec is what the party uses; a G.711 further down the list is not what it hears now.
      if (name !== 'TELEPHONE-EVENT' && name !== 'CN') return undefined;
    }
    return undefined;
  }

  /**
   * A blind transfer released the callee: the next one is on this call's own side b and is offered what the caller
   * uses now, so both ends agree on the codec without transcoding; the caller is not answered again.
   */
  calleeReleased(): void {
    if (this.calleeSide !== this.relay.side('b')) {
      // After an attended transfer the callee was on another session: the next one is on this call's own side b.
      this.calleeSide.bridgeTo(undefined);
      this.calleeSide = this.relay.side('b');
      this.relay.side('a').bridgeTo(this.calleeSide);
    }
    this.offerForCallee = this.callerUsesNow() ?? this.offerForCallee;
    this.connected = true;
  }

  /** An attended transfer's target became the callee, on the consultation's session: the caller is bridged to it. */
  calleeMovedTo(consultation: Consultation): void {
    this.relay.side('b').bridgeTo(undefined);
    this.calleeSide = consultation.session.side('b');
    // The target's re-INVITEs are answered from what it was offered, on its own session's port.
    this.sentTo.b = consultation.offer;
    this.relay.side('a').bridgeTo(this.calleeSide);
    this.extraSessions.push(consultation.session);
  }

  /**
   * The offer that moves `side`'s party from rtpengine to the relay's `port` (media-return.ts): what it was last sent,
   * at our own address, with a new version (RFC 3264 §8); undefined when it was sent nothing we can read.
   */
  relayOffer(side: 'a' | 'b', port: number): string | undefined {
    const previous = readSdp(Buffer.from(this.sentTo[side] ?? ''));
    return previous.ok ? anchoredSdp(previous.value, side === 'a' ? this.callerAddress : this.address, port, this.sdpVersion++) : undefined;
  }

  /** `side`'s party took the relay's offer: its later re-INVITEs are answered from it, and rtpengine is told nothing more. */
  movedToRelay(side: 'a' | 'b', offer: string): void {
    this.sentTo[side] = offer;
    this.offloaded = undefined;
  }

  /** The call is over: its relay session and those it took over are closed. */
  close(): void {
    this.relay.close();
    for (const session of this.extraSessions) session.close();
  }

  /** Offloaded and not yet connected: rtpengine's own description for the callee (the caller's offer on its port). */
  private offloadedOffer(): SessionDescription | undefined {
    if (this.offloaded === undefined || this.connected) return undefined;
    const parsed = readSdp(Buffer.from(this.offloaded.calleeOffer));
    return parsed.ok ? parsed.value : undefined;
  }

  /** The description the caller last got from us, i.e. the codec and media it uses now; undefined before any. */
  private callerUsesNow(): SessionDescription | undefined {
    const current = readSdp(Buffer.from(this.sentTo.a ?? ''));
    return current.ok ? current.value : undefined;
  }

  /** What the caller sends: its offer, or once connected through a transfer what it uses now. */
  private get callerDescription(): SessionDescription {
    return this.connected ? this.offerForCallee : this.caller.offer;
  }
}

/** The G.711 law the first audio stream of a description lists first (0 PCMU, 8 PCMA), if it lists either. */
function g711Of(description: SessionDescription): 0 | 8 | undefined {
  const formats = description.media.find((m) => m.media === 'audio' && m.port !== 0)?.formats ?? [];
  const first = formats.find((f) => f === '0' || f === '8');
  return first === '0' ? 0 : first === '8' ? 8 : undefined;
}
