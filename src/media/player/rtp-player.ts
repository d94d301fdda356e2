// RtpPlayer: sends linear PCM to one remote address as G.711 RTP (RFC 3550 §5.1, RFC 3551 §4.5.14), 20 ms a
// packet, paced against the start time so timer jitter never accumulates into a slower-than-real-time stream.
import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { performance } from 'node:perf_hooks';
import { encodeAlaw, encodeMulaw } from '../g711.ts';
import { serializeRtpHeader } from '../rtp-packet.ts';

/** 20 ms at 8 kHz: the packetisation every SIP phone expects by default (RFC 3551 §4.5 ptime). */
export const SAMPLES_PER_PACKET = 160;
export const PACKET_MS = 20;
/** A late timer sends the packets it owes, but no more than this many at once; beyond that the schedule is re-anchored. */
const MAX_BURST = 5;

export interface PlayOptions {
  /** 0 = PCMU (μ-law), 8 = PCMA (A-law): the codec the answer named. */
  readonly payloadType: 0 | 8;
  readonly remote: { readonly address: string; readonly port: number };
  /**
   * The socket to send from: the one the remote sends its RTP to, so a phone that latches (RFC 4961
   * symmetric RTP) sees one source. Not closed by the player. Absent: an ephemeral socket of our own.
   */
  readonly socket?: Socket;
  /**
   * Sees each whole packet (header and payload in one buffer) just before it is sent and may rewrite it in place:
   * a relay side passes it through its restamper so the tone and the media after it are one RTP stream.
   */
  readonly prepare?: (packet: Buffer) => void;
}

export interface PlayResult {
  readonly packets: number;
  /** True when stop() (or a newer play) ended the playback early. */
  readonly stopped: boolean;
  /** Sends the socket refused (unreachable network, closed socket). */
  readonly sendErrors: number;
}

interface Playback {
  readonly finish: (stopped: boolean) => void;
}

export class RtpPlayer {
  /** §5.1: SSRC, sequence number and timestamp start random; they continue across plays of one player (one source). */
  readonly ssrc = randomInt(0, 2 ** 32);
  private sequence = randomInt(0, 2 ** 16);
  private timestamp = randomInt(0, 2 ** 32);
  private current: Playback | undefined;

  get playing(): boolean {
    return this.current !== undefined;
  }

  /** Ends the current playback (its promise resolves with stopped: true). Idempotent. */
  stop(): void {
    this.current?.finish(true);
  }

  /**
   * Plays `samples` (8 kHz 16-bit linear PCM); a last partial packet is padded with silence. Resolves when the
   * last packet has been sent, or at once when stop() is called. A play while another runs stops that one.
   */
  play(samples: Int16Array, options: PlayOptions): Promise<PlayResult> {
    this.stop();
    const encode = options.payloadType === 0 ? encodeMulaw : encodeAlaw;
    const total = Math.ceil(samples.length / SAMPLES_PER_PACKET);
    let sent = 0;
    let sendErrors = 0;
    let start = 0;
    let timer: NodeJS.Timeout | undefined;
    let socket: Socket | undefined = options.socket;
    /** Sends handed to the socket whose callback has not run: our own socket is closed only once they are out. */
    let inFlight = 0;
    let closeWhenSent = false;
    const closeOwn = (): void => {
      if (options.socket !== undefined || socket === undefined) return;
      if (inFlight > 0) closeWhenSent = true;
      else closeQuietly(socket);
    };

    return new Promise<PlayResult>((resolve) => {
      // Registered before any await, so a stop() right after play() (a BYE racing the answer) is never lost.
      const playback: Playback = {
        finish: (stopped) => {
          if (this.current !== playback) return;
          this.current = undefined;
          if (timer !== undefined) clearTimeout(timer);
          closeOwn();
          resolve({ packets: sent, stopped, sendErrors });
        },
      };
      this.current = playback;

      const sendOne = (from: Socket): void => {
        const frame = new Int16Array(SAMPLES_PER_PACKET);
        frame.set(samples.subarray(sent * SAMPLES_PER_PACKET, (sent + 1) * SAMPLES_PER_PACKET));
        // RFC 3551 §4.1: the marker bit is set on the first packet of a talkspurt; each play is one.
        const header = serializeRtpHeader({ marker: sent === 0, payloadType: options.payloadType, sequenceNumber: this.sequence, timestamp: this.timestamp, ssrc: this.ssrc, csrcs: [], extension: undefined });
        this.sequence = (this.sequence + 1) & 0xffff;
        this.timestamp = (this.timestamp + SAMPLES_PER_PACKET) >>> 0;
        sent++;
        try {
          inFlight++;
          const payload = encode(frame);
          let packet: Buffer | Buffer[] = [header, payload];
          if (options.prepare !== undefined) {
            const whole = Buffer.concat(packet);
            options.prepare(whole);
            packet = whole;
          }
          from.send(packet, options.remote.port, options.remote.address, (error) => {
            inFlight--;
            if (error) sendErrors++;
            if (closeWhenSent && inFlight === 0) closeQuietly(from);
          });
        } catch {
          inFlight--;
          // A socket closed under us (the call ended): the playback has nothing left to do.
          sendErrors++;
          playback.finish(true);
        }
      };

      const tick = (from: Socket): void => {
        timer = undefined;
        if (this.current !== playback) return;
        const elapsed = performance.now() - start;
        // Packet n is due at start + n * 20 ms; send every packet due by now.
        let due = Math.min(total, Math.floor(elapsed / PACKET_MS) + 1);
        if (due - sent > MAX_BURST) {
          // The event loop stalled: a burst of a second's audio would overrun the phone's jitter buffer, so the
          // schedule restarts from here (the timestamps stay contiguous, the phone hears a gap-free stream).
          start = performance.now() - sent * PACKET_MS;
          due = sent + 1;
        }
        while (sent < due && this.current === playback) sendOne(from);
        if (this.current !== playback) return;
        if (sent >= total) return playback.finish(false);
        timer = setTimeout(() => tick(from), Math.max(0, start + sent * PACKET_MS - performance.now()));
      };

      const begin = (from: Socket): void => {
        if (this.current !== playback) return;
        if (total === 0) return playback.finish(false);
        start = performance.now();
        tick(from);
      };

      if (socket !== undefined) return begin(socket);
      ownSocket(options.remote.address).then(
        (bound) => {
          socket = bound;
          // Stopped while binding: finish() ran before the socket existed, so close it here.
          if (this.current !== playback) return closeQuietly(bound);
          begin(bound);
        },
        () => {
          sendErrors++;
          playback.finish(true);
        },
      );
    });
  }
}

function ownSocket(address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4' });
    const failed = (error: Error): void => reject(error);
    socket.once('error', failed);
    socket.once('listening', () => {
      socket.off('error', failed);
      // No exception may escape a socket: a send error (ICMP unreachable) is counted by its callback instead.
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.bind(0);
  });
}

function closeQuietly(socket: Socket): void {
  try {
    socket.close();
  } catch {
    // Already closed.
  }
}
