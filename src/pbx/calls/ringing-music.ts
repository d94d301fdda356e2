// Music instead of ringback while parties ring (hu_usemoh, RINGMUSICONHOLD): the caller hears its tenant's music on
// hold class, played by the relay on the caller's side. A phone still ringing gets it as early media (183 with the
// PBX's own G.711 description, as Asterisk's Progress() then MusicOnHold); a caller that already talks to us (the PBX
// answered it, DIAL's source) simply hears it instead of the ringback tone.
import type { PlayFormat, SessionDescription } from '../../media/index.ts';
import type { CallerSide } from './caller-side.ts';
import type { CallMedia } from './call-media.ts';
import type { MusicOnHold } from './music-on-hold.ts';

export interface MusicCall {
  readonly tenantId: number;
  readonly caller: CallerSide;
  readonly media: CallMedia;
  readonly moh: MusicOnHold | undefined;
}

export class RingingMusic {
  private playing = false;

  private constructor(
    private readonly call: MusicCall,
    private readonly source: string,
    private readonly format: PlayFormat,
    /** The 183's description for a caller not answered yet; undefined when the caller already talks to us. */
    private readonly earlySdp: string | undefined,
  ) {}

  /**
   * The music for this ringing, or undefined when the tenant has none or the caller speaks no G.711 (then it hears
   * ringback). `allowed` says whether the parties may be offered one G.711 law only (a carrier's allow list).
   */
  static async prepare(call: MusicCall, allowed: (law: 'PCMU' | 'PCMA') => boolean): Promise<RingingMusic | undefined> {
    const source = await call.moh?.sourceFor(call.tenantId);
    if (source === undefined) return undefined;
    if (call.media.callerConnected) {
      const format = call.media.playFormatOf('a');
      return format === undefined ? undefined : new RingingMusic(call, source, format, undefined);
    }
    if (call.caller.talking) {
      const format = firstG711(call.caller.offer);
      return format === undefined ? undefined : new RingingMusic(call, source, format, undefined);
    }
    const answer = call.media.pbxAnswer();
    if (answer === undefined || !allowed(answer.encoding)) return undefined;
    return new RingingMusic(call, source, { payloadType: answer.payloadType, encoding: answer.encoding }, answer.sdp);
  }

  /**
   * The law the parties must answer in, when the caller got our 183: RFC 3261 §13.2.1 has the caller keep the first
   * description it receives, so the party's answer, relayed in the 200, has to use the same codec.
   */
  get law(): 'PCMU' | 'PCMA' | undefined {
    return this.earlySdp === undefined ? undefined : this.format.encoding;
  }

  start(): void {
    if (this.earlySdp !== undefined) this.call.caller.ringing(this.earlySdp);
    this.playing = true;
    void this.call.media.sideOf('a').play({ items: [{ kind: 'source', name: this.source }], loop: true, format: this.format }).then(() => {
      this.playing = false;
    });
  }

  /** A party is connected, or the ringing is over: the caller's side stops playing (bridged media flows again). */
  stop(): void {
    if (!this.playing) return;
    this.playing = false;
    this.call.media.sideOf('a').stopPlayback();
  }
}

/** The first audio format of a description, when it is G.711 (what the party uses now). */
function firstG711(description: SessionDescription): PlayFormat | undefined {
  const audio = description.media.find((m) => m.media === 'audio' && m.port !== 0);
  const first = audio?.formats[0];
  if (audio === undefined || first === undefined) return undefined;
  const map = audio.attributes.find((a) => a.kind === 'rtpmap' && a.payloadType === Number(first));
  const name = map?.kind === 'rtpmap' ? map.encoding.toUpperCase() : first === '0' ? 'PCMU' : first === '8' ? 'PCMA' : '';
  return name === 'PCMU' || name === 'PCMA' ? { payloadType: Number(first), encoding: name } : undefined;
}
