// Test support for the relay tests: a "phone" that is one real UDP socket on 127.0.0.1 recording
// what it receives, hand-built RTP/RTCP datagrams, and a bounded wait.
import { createSocket, type Socket } from 'node:dgram';

export const LOOPBACK = '127.0.0.1';

export class FakePhone {
  readonly received: Buffer[] = [];
  readonly sources: string[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('message', (packet, source) => {
      this.received.push(packet);
      this.sources.push(`${source.address}:${source.port}`);
    });
  }

  /** A phone on an ephemeral port, or on `port` when given; on `host` (another loopback address: another machine). */
  static async open(port = 0, host = LOOPBACK): Promise<FakePhone> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new FakePhone(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(port: number, packet: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(packet, port, LOOPBACK, (error) => (error ? reject(error) : resolve())));
  }

  close(): void {
    this.socket.close();
  }
}

/** An RTP datagram (RFC 3550 §5.1): V=2, payload type, sequence number, SSRC and a payload. */
export function rtp(sequence: number, ssrc = 0x11223344, payloadType = 0, payloadBytes = 160): Buffer {
  const packet = Buffer.alloc(12 + payloadBytes, 0xff);
  packet[0] = 0x80;
  packet[1] = payloadType & 0x7f;
  packet.writeUInt16BE(sequence & 0xffff, 2);
  packet.writeUInt32BE(sequence * 160, 4);
  packet.writeUInt32BE(ssrc, 8);
  return packet;
}

/** A receiver report with no report blocks (RFC 3550 §6.4.2): 8 bytes. */
export function rtcpReceiverReport(ssrc = 0x11223344): Buffer {
  const packet = Buffer.alloc(8);
  packet[0] = 0x80;
  packet[1] = 201;
  packet.writeUInt16BE(1, 2);
  packet.writeUInt32BE(ssrc, 4);
  return packet;
}

export function sequenceOf(packet: Buffer | undefined): number | undefined {
  return packet === undefined || packet.length < 4 ? undefined : packet.readUInt16BE(2);
}

/** Polls until `condition` holds; fails after `timeoutMs` (generous: these are loopback sockets). */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Lets in-flight loopback datagrams land, for asserting that something did NOT arrive. */
export function settle(ms = 60): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Moves a FakeClock on in 20 ms steps (one media-clock frame each), letting loopback datagrams land between steps,
 * until `condition` holds: for tests that need "enough" frames rather than an exact count.
 */
export async function driveUntil(clock: { advance(ms: number): void }, condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    clock.advance(20);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
