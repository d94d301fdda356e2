// The PBX's media on a call it answered (PbxMedia), over the caller's relay side: prompts go out of that side from the
// relay's worker; keys come in from it (RFC 4733, in-band) and from the caller's SIP INFO (b2bua.ts), into one queue.
import type { RelaySideControl } from '../../media/index.ts';
import type { Clock } from '../../shared/index.ts';
import type { PbxFormat } from './media-plan.ts';
import type { PbxMedia, PlaybackEnd, PlayItem } from './runner/pbx-media.ts';

/** Keys kept for a step that has not asked yet (type-ahead), at most: a caller leaning on a key cannot fill memory. */
const MAX_QUEUED_DIGITS = 32;

export interface PbxMediaSession extends PbxMedia {
  /** A key the caller pressed in SIP INFO (keys in the media come from the relay's detector). */
  digit(digit: string): void;
  /** The call is over: waits end, playback stops. */
  close(): void;
}

export function pbxMediaOf(side: RelaySideControl, format: PbxFormat, over: () => boolean, clock: Clock): PbxMediaSession {
  const queued: string[] = [];
  const waiters = new Set<(digit: string | undefined) => void>();
  let closed = false;
  /** The keys that cut the current playback short, and the SIP INFO key that did (the relay knows only its own). */
  let playing: { stopOnDigits: string; cutBy: string | undefined } | undefined;

  const heard = (digit: string): void => {
    if (closed) return;
    const waiter = waiters.values().next().value;
    if (waiter !== undefined) return waiter(digit);
    if (queued.length < MAX_QUEUED_DIGITS) queued.push(digit);
  };

  const session: PbxMediaSession = {
    async play(items: readonly PlayItem[], options = {}): Promise<PlaybackEnd> {
      if (closed || over()) return { reason: 'hangup' };
      const stopOnDigits = options.stopOnDigits ?? '';
      // A key pressed before the prompt started (type-ahead) cuts it short at once, as in Asterisk's Background().
      const early = stopOnDigits === '' ? -1 : queued.findIndex((d) => stopOnDigits.includes(d));
      if (early >= 0) return { reason: 'digit', digit: queued.splice(early, 1)[0] ?? '' };
      const current = { stopOnDigits, cutBy: undefined as string | undefined };
      playing = current;
      const end = await side.play({ items: [...items], ...(options.loop ? { loop: true } : {}), ...(stopOnDigits === '' ? {} : { stopOnDigits }), format: { payloadType: format.payloadType, encoding: format.encoding } });
      if (playing === current) playing = undefined;
      if (closed || over()) return { reason: 'hangup' };
      const digit = end.reason === 'digit' ? end.digit : current.cutBy;
      if (digit !== undefined) {
        // The key that cut the prompt short is the play's answer, not also a key for the next wait.
        const at = queued.indexOf(digit);
        if (at >= 0) queued.splice(at, 1);
        return { reason: 'digit', digit };
      }
      return { reason: end.reason, ...(end.error === undefined ? {} : { error: end.error }) };
    },
    stop(): void {
      side.stopPlayback();
    },
    nextDigit(timeoutMs: number): Promise<string | undefined> {
      const ready = queued.shift();
      if (ready !== undefined || closed) return Promise.resolve(ready);
      return new Promise((resolve) => {
        const cancel = clock.setTimer(timeoutMs, () => done(undefined));
        const done = (digit: string | undefined): void => {
          cancel();
          waiters.delete(done);
          resolve(digit);
        };
        waiters.add(done);
      });
    },
    digit(digit: string): void {
      // The relay cuts its playback short only for keys it heard itself: a SIP INFO key is told to it here.
      if (playing !== undefined && playing.cutBy === undefined && playing.stopOnDigits.includes(digit)) {
        playing.cutBy = digit;
        side.stopPlayback();
      }
      heard(digit);
    },
    close(): void {
      if (closed) return;
      closed = true;
      side.stopPlayback();
      side.detectDtmf(undefined);
      side.onDtmf = undefined;
      for (const waiter of [...waiters]) waiter(undefined);
    },
  };
  // The side's detector reports keys (and, playing, cuts prompts short itself when asked to): RFC 4733 events of the
  // payload type the answer named, and in-band tones in the one G.711 law the PBX answered with.
  side.onDtmf = (digit) => heard(digit);
  side.detectDtmf({ mode: 'auto', telephoneEventPayloadType: format.telephoneEventPayloadType, audioEncodings: { [format.payloadType]: format.encoding } });
  return session;
}
