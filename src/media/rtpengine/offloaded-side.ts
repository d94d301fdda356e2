// A side of an offloaded call. On rtpengine its address is rtpengine's and the relay's controls (playing, keys,
// pairing) do nothing: rtpengine only forwards. Once the call's media moved to the built-in relay
// (RtpengineSession.moveTo), the side stands for the relay's side: the call's code holds on to this object, so
// every control goes there from then on.
import type { PlaybackEnd, PlayRequest, RelaySideControl, RelayTone, SideName } from '../relay/index.ts';

export class OffloadedSide implements RelaySideControl {
  private moved: RelaySideControl | undefined;
  private dtmfListener: RelaySideControl['onDtmf'];

  constructor(
    readonly name: SideName,
    private readonly endpoint: { readonly address: string; readonly port: number },
  ) {}

  /** The relay's side this one stands for now; its key listener goes with it. */
  moveTo(side: RelaySideControl): void {
    this.moved = side;
    side.onDtmf = this.dtmfListener;
  }

  /** The relay's side, once moved. */
  get relaySide(): RelaySideControl | undefined {
    return this.moved;
  }

  get localPort(): number {
    return this.moved?.localPort ?? this.endpoint.port;
  }

  get localAddress(): string {
    return this.moved?.localAddress ?? this.endpoint.address;
  }

  get onDtmf(): RelaySideControl['onDtmf'] {
    return this.moved?.onDtmf ?? this.dtmfListener;
  }

  set onDtmf(listener: RelaySideControl['onDtmf']) {
    this.dtmfListener = listener;
    if (this.moved !== undefined) this.moved.onDtmf = listener;
  }

  setRemote(address: string, port: number, signallingAddress?: string): void {
    this.moved?.setRemote(address, port, signallingAddress);
  }

  bridgeTo(other: RelaySideControl | undefined): void {
    // The relay pairs its own sides only: another offloaded side is passed on as the relay side it stands for.
    this.moved?.bridgeTo(other === undefined ? undefined : relaySideOf(other));
  }

  playTone(tone: RelayTone | undefined): void {
    this.moved?.playTone(tone);
  }

  play(request: PlayRequest): Promise<PlaybackEnd> {
    if (this.moved !== undefined) return this.moved.play(request);
    return Promise.resolve({ reason: 'error', error: 'the call media is on rtpengine: the PBX plays nothing to it', framesSent: 0 });
  }

  stopPlayback(): void {
    this.moved?.stopPlayback();
  }

  detectDtmf(options: Parameters<RelaySideControl['detectDtmf']>[0]): void {
    this.moved?.detectDtmf(options);
  }

  sendDtmf(digit: string, options: Parameters<RelaySideControl['sendDtmf']>[1]): void {
    this.moved?.sendDtmf(digit, options);
  }

  mapPayloadTypes(map: Parameters<RelaySideControl['mapPayloadTypes']>[0]): void {
    this.moved?.mapPayloadTypes(map);
  }
}

/**
 * The relay's own side behind `side`: an offloaded call's side once its media moved to the relay, else `side` itself.
 * The relay pairs only its own sides, so whoever pairs two calls' sides passes them through this.
 */
export function relaySideOf(side: RelaySideControl): RelaySideControl {
  return side instanceof OffloadedSide ? (side.relaySide ?? side) : side;
}
