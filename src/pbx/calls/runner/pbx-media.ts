// The PBX's own media on a call it answered: what a step (a feature code, a prompt, an IVR) does with the caller's
// audio. Played frames and heard keys live in the relay's worker (media/relay); this is their call-level face.
import type { PlayItem } from '../../../media/index.ts';

/** What can be played: files, call-progress tones, silence, a shared source (music on hold): the relay's items. */
export type { PlayItem };

/** How a playback ended: played through, stopped, cut short by a key (which one), or failed (a missing file). */
export interface PlaybackEnd {
  readonly reason: 'finished' | 'stopped' | 'digit' | 'error' | 'hangup';
  readonly digit?: string;
  readonly error?: string;
}

export interface PbxMedia {
  /** Plays the items in order (looped when asked) to the caller; keys in `stopOnDigits` cut it short. */
  play(items: readonly PlayItem[], options?: { readonly loop?: boolean; readonly stopOnDigits?: string }): Promise<PlaybackEnd>;
  /** Stops what is playing (its promise resolves 'stopped'). */
  stop(): void;
  /**
   * The next key the caller presses (RFC 4733, SIP INFO or in-band, whichever the leg uses), or undefined after
   * `timeoutMs` or when the call ends. Keys pressed before the call waits are kept, in order (type-ahead).
   */
  nextDigit(timeoutMs: number): Promise<string | undefined>;
}
