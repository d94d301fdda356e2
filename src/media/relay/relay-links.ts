// Packets between relay workers (relay-worker.ts) for two sides paired across them: a pool (relay-pool.ts) places
// sessions that are opened together on one worker, but a phone's own attended transfer joins two calls opened apart,
// which may live in two workers. Each worker then hands what its side's leg sends to the other worker over a
// MessagePort of their own (never through the PBX's thread), and that worker sends it out of the paired side's socket.
// Rare (transferred calls only), so one message per packet is enough.
import type { MessagePort } from 'node:worker_threads';
import type { RelayChannelKind } from './relay-channel.ts';
import type { SideName } from './relay-control.ts';

/** One packet for a side of the receiving worker: [session, side, channel, media (RTP, not muxed RTCP), datagram]. */
type ForeignPacket = readonly [string, SideName, RelayChannelKind, boolean, Uint8Array];

export type ForeignDelivery = (session: string, side: SideName, kind: RelayChannelKind, packet: Buffer, media: boolean) => void;

export class RelayLinks {
  private readonly ports = new Map<number, MessagePort>();

  constructor(private readonly deliver: ForeignDelivery) {}

  /** The port to worker `worker` (a new one replaces the old: that worker was restarted). */
  link(worker: number, port: MessagePort): void {
    this.ports.get(worker)?.close();
    this.ports.set(worker, port);
    port.on('message', (message: ForeignPacket) => {
      const [session, side, kind, media, data] = message;
      this.deliver(session, side, kind, Buffer.from(data.buffer, data.byteOffset, data.byteLength), media);
    });
  }

  /** What a side paired with `session`'s `side` in worker `worker` calls per packet. */
  forwarder(worker: number, session: string, side: SideName, kind: RelayChannelKind): (packet: Buffer, media: boolean) => void {
    return (packet, media) => {
      // No port (the other worker is gone): the packet is dropped, as it would be into a closed socket.
      this.ports.get(worker)?.postMessage([session, side, kind, media, packet] satisfies ForeignPacket);
    };
  }

  closeAll(): void {
    for (const port of this.ports.values()) port.close();
    this.ports.clear();
  }
}
