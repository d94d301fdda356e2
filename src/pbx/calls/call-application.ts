// What a call's calling channel runs now, as Asterisk's `core show channels` Application and Data show it: the step
// in progress says which application (Dial, Playback, IVR...), ringing says whom Dial rings (`PJSIP/101-ACME,30`),
// and a prompt played says which file (`Playback` / `welcome`). CHANNELS, CHANNEL, GETCURRENTCALLS and INFO call read it.
import type { ChannelRegistry } from './channel-registry.ts';
import type { PbxMedia, PlayItem } from './runner/pbx-media.ts';
import type { AttemptLabel, RingRequest } from './runner/step.ts';

/** Dial's Data is cut here: a ring group of many phones must not make a channel row unbounded. */
const MAX_DATA = 255;

/** `PJSIP/101-ACME` for an extension's phone, `PJSIP/<number>@<provider>` for a carrier, as Asterisk's Dial names them. */
export function dialData(request: RingRequest, defaultRingSeconds: number): string {
  const parties = [...new Set(request.targets.map((t) => (t.channel.account !== '' ? `PJSIP/${t.channel.account}` : `PJSIP/${t.channel.exten}@${t.channel.base}`)))];
  const data = `${parties.join('&')},${String(request.ringSeconds ?? defaultRingSeconds)}`;
  return data.length > MAX_DATA ? data.slice(0, MAX_DATA) : data;
}

/** The files and tones a prompt plays, named as Asterisk's Playback data names them: `a&b`, no folder, no extension. */
export function playData(items: readonly PlayItem[]): string | undefined {
  const names: string[] = [];
  for (const item of items) {
    // A folder would show the server's layout to the tenant; `.8k.wav` is the conversion made at upload.
    if (item.kind === 'file') names.push((item.path.split(/[\\/]/).pop() ?? '').replace(/(\.8k)?\.[A-Za-z0-9]+$/, ''));
    else if (item.kind === 'tone') names.push(item.tone);
    else if (item.kind === 'source') names.push('musiconhold');
  }
  const data = names.filter((n) => n !== '').join('&');
  return data === '' ? undefined : data.slice(0, MAX_DATA);
}

export class CallApplication {
  private app = 'Dial';

  constructor(
    private readonly channels: ChannelRegistry,
    /** The caller's channel name (it does not change during a call). */
    private readonly channelName: string,
    private readonly defaultRingSeconds: number,
  ) {}

  /** A step started (its CDR attempt): its application, and its Data if it gave one (else the destination for Dial). */
  step(label: AttemptLabel): void {
    this.app = label.app ?? 'Dial';
    this.show(label.data ?? (this.app === 'Dial' ? label.destination : ''));
  }

  /** Parties are rung: Dial's Data names them and the ring time (another application ringing keeps its own Data). */
  ringing(request: RingRequest): void {
    if (this.app === 'Dial') this.show(dialData(request, this.defaultRingSeconds));
  }

  /** The PBX plays to the caller: the step's Data is what it plays now. */
  played(items: readonly PlayItem[]): void {
    const data = playData(items);
    if (data !== undefined) this.show(data);
  }

  /** The PBX's media as the steps get it: every play names its files first. */
  watch(media: PbxMedia): PbxMedia {
    return {
      play: (items, options) => {
        this.played(items);
        return media.play(items, options);
      },
      stop: () => media.stop(),
      nextDigit: (timeoutMs) => media.nextDigit(timeoutMs),
    };
  }

  private show(data: string): void {
    this.channels.update(this.channelName, { application: this.app, appData: data });
  }
}
