// The PBX answering a call's caller itself, for a step that talks to it (a menu, a message, a refusal's tone): the
// 200 with the PBX's own G.711 description, the media session on the caller's relay side that plays prompts and
// hears keys, and the end of a list that found nobody (an error answer, or a tone then BYE once answered). A party
// that answers later takes the caller over and this media gives way; the Call keeps its phase and its end.
import type { RelaySessionControl } from '../../media/index.ts';
import type { Clock } from '../../shared/index.ts';
import type { CallApplication } from './call-application.ts';
import type { CallAttempts } from './call-attempts.ts';
import type { CallMedia } from './call-media.ts';
import type { Disposition } from './call-outcome.ts';
import { dispositionOfStatus, playRefusalTone } from './call-refusal.ts';
import type { CallerSide } from './caller-side.ts';
import type { ChannelRegistry, LiveChannel } from './channel-registry.ts';
import { pbxMediaOf, type PbxMediaSession } from './pbx-media-session.ts';
import type { PbxMedia } from './runner/pbx-media.ts';
import type { RingOutcome } from './runner/step.ts';

/** The call the PBX answers: its parts, and what only the call itself can do. */
export interface PbxAnsweredCall {
  readonly phase: 'ringing' | 'answered' | 'ended';
  readonly caller: CallerSide;
  readonly media: CallMedia;
  readonly attempts: CallAttempts;
  readonly relay: RelaySessionControl;
  readonly callerChannel: LiveChannel;
  /** What the caller's channel shows it runs: every prompt played names its files there. */
  readonly live: CallApplication;
  readonly recording: { update(): void };
  readonly channels: ChannelRegistry;
  readonly clock: Clock;
  /** How the last ringing ended: the disposition a refusal records when it gives none of its own. */
  readonly lastRing: RingOutcome | undefined;
  /** The caller's dialog is established: its in-dialog requests reach the call. */
  established(): void;
  hangup(cause: string): void;
  end(disposition: Disposition): void;
}

export class PbxAnswer {
  /** The PBX's media on the caller's side, once the PBX answered it. */
  private session: PbxMediaSession | undefined;
  /** The same media as the steps get it (each play names its files on the caller's channel). */
  private view: PbxMedia | undefined;

  constructor(private readonly call: PbxAnsweredCall) {}

  /**
   * 200 with one G.711 law and telephone-event (media-plan.ts pbxAnswer); the caller's media then ends at the relay,
   * where prompts are played and keys heard. A call the PBX answered counts as ANSWERED, as in Asterisk. Undefined
   * when the caller left or offered no G.711.
   */
  async answer(): Promise<PbxMedia | undefined> {
    const call = this.call;
    if (call.phase === 'ended') return undefined;
    if (this.view !== undefined) return this.view;
    if (call.phase === 'answered') return undefined;
    const format = call.media.pbxAnswer();
    if (format === undefined) return undefined;
    if (!call.media.callerConnected) {
      if (!call.caller.answered(format.sdp)) {
        call.hangup('caller-gone');
        return undefined;
      }
      call.media.answeredByPbx();
    }
    const now = call.clock.now();
    call.attempts.answered(now);
    call.relay.resume();
    call.channels.update(call.callerChannel.name, { state: 'Up', answeredAt: call.callerChannel.answeredAt ?? now });
    call.established();
    this.session = pbxMediaOf(call.relay.side('a'), format, () => call.phase === 'ended', call.clock);
    this.view = call.live.watch(this.session);
    call.recording.update();
    return this.view;
  }

  /**
   * The list ended with nobody for the caller: an error answer while it is not answered (with a Warning for a
   * 501), else a tone (busy for 486, congestion otherwise) and BYE, since a 486 cannot follow a 200.
   */
  async refuse(status: number, text: string): Promise<void> {
    const call = this.call;
    if (call.phase === 'ended') return;
    const disposition = dispositionOfStatus(status, call.lastRing);
    if (call.media.callerConnected) {
      const media = await this.answer();
      if (media !== undefined && !this.over) await playRefusalTone(media, disposition, call.clock);
      if (this.over) return;
      call.caller.hangup();
      return call.end(call.attempts.isAnswered ? 'ANSWERED' : disposition);
    }
    call.caller.failed(status, text, status === 501 ? [['Warning', `399 callgrid "${text.replace(/["\\]/g, '')}"`]] : undefined);
    call.end(disposition);
  }

  /** A key the caller pressed in SIP INFO while the PBX talks to it (b2bua.ts); none is heard before the PBX answered. */
  digit(digit: string): void {
    this.session?.digit(digit);
  }

  /**
   * A party answered: whatever the PBX played to the caller (a prompt, music) gives way to it, and the PBX stops
   * listening for keys (in-band detection costs on every packet); a later step that answers again starts afresh.
   */
  release(): void {
    this.session?.close();
    this.session = undefined;
    this.view = undefined;
  }

  /** The call is over. */
  close(): void {
    this.session?.close();
  }

  /** Read afresh after each await: the caller may have left meanwhile. */
  private get over(): boolean {
    return this.call.phase === 'ended';
  }
}
