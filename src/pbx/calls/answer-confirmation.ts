// Confirm to answer (hunt lists' hu_requestconfirm, follow-me's ex_fmfmconfirm): a party that answers is not bridged
// to the caller yet. The PBX plays it a prompt on the callee's relay side (where its media already arrives) and waits
// for a key; the key connects it as any answer would (the others are cancelled "completed elsewhere"), while silence,
// a wrong format or a hang-up ends only that party's leg and the others go on ringing. So a mobile's voicemail that
// picks up a follow-me call cannot take it. One party confirms at a time: another that answers meanwhile waits, muted.
import { SystemPrompts } from '../../media/index.ts';
import type { Clock, Logger } from '../../shared/index.ts';
import type { SipResponse } from '../../sip/index.ts';
import type { CallForks } from './call-forks.ts';
import type { CallMedia } from './call-media.ts';
import { telephoneEventOf } from './call-dtmf.ts';
import { mediaAddress, readSdp, type PbxFormat } from './media-plan.ts';
import type { OutboundLeg } from './outbound-leg.ts';
import { pbxMediaOf, type PbxMediaSession } from './pbx-media-session.ts';
import type { PlayItem } from './runner/pbx-media.ts';
import type { AnswerConfirmation } from './runner/step.ts';

/** Any key accepts unless the request names some: a voicemail or a fax never presses one, a person may press any. */
export const ANY_KEY = '0123456789*#';
export const DEFAULT_CONFIRM_SECONDS = 15;
/** The pause after the prompt before it is played again. */
const REPEAT_PAUSE_MS = 3000;
/** The BYE a party that did not confirm gets (Q.850 19: no answer from user). */
const NOT_CONFIRMED = 'Q.850;cause=19;text="call not confirmed"';
const COMPLETED_ELSEWHERE = 'SIP;cause=200;text="Call completed elsewhere"';
/** The codecs a confirming party is offered: the relay plays prompts and hears keys in G.711 only. */
export const CONFIRM_CODECS: readonly string[] = ['PCMU', 'PCMA'];

/** What a confirmation needs of its call (the Call builds it). */
export interface ConfirmingCall {
  readonly over: boolean;
  readonly forks: CallForks;
  readonly media: Pick<CallMedia, 'sideOf'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The party confirmed (or needed no confirmation): the call's usual answer (bridge, 200 to the caller, CDR). */
  connect(leg: OutboundLeg, response: SipResponse): void;
  /** A party's leg ended without connecting: the call counts it as a fork that failed (its channel goes). */
  dropped(leg: OutboundLeg): void;
  /** Routes the party's in-dialog requests (its BYE, SIP INFO keys) to the call while it confirms. */
  register(leg: OutboundLeg): void;
}

interface Waiting {
  readonly leg: OutboundLeg;
  readonly response: SipResponse;
  readonly confirm: AnswerConfirmation;
}

/** The confirmations of one ringing (Call.ring): built per ring, finished when the ringing settles. */
export class RingConfirmations {
  private current: { readonly leg: OutboundLeg; readonly session: PbxMediaSession } | undefined;
  private readonly waiting: Waiting[] = [];
  /** Every leg that answered under confirmation: its BYE is ours to handle. */
  private readonly legs = new Set<OutboundLeg>();
  private closed = false;

  constructor(
    private readonly call: ConfirmingCall,
    /** The confirmation a fork's party needs, or undefined when it connects at once. */
    private readonly confirmOf: (leg: OutboundLeg) => AnswerConfirmation | undefined,
  ) {}

  /** A fork answered: a party that must confirm waits for its turn; any other connects now (a prompt playing stops). */
  answered(leg: OutboundLeg, response: SipResponse): void {
    const confirm = this.confirmOf(leg);
    if (confirm === undefined) {
      this.close(COMPLETED_ELSEWHERE);
      return this.call.connect(leg, response);
    }
    if (this.closed || this.call.over) return void leg.bye(COMPLETED_ELSEWHERE);
    this.legs.add(leg);
    this.call.forks.awaitingConfirmation(leg);
    this.call.register(leg);
    this.waiting.push({ leg, response, confirm });
    this.next();
  }

  /** A key the party sent in SIP INFO (its RFC 4733 and in-band keys come from the relay side). */
  digit(digit: string): void {
    this.current?.session.digit(digit);
  }

  /** The far end of `leg` hung up (its BYE); true when `leg` is one of ours. */
  left(leg: OutboundLeg): boolean {
    if (!this.legs.has(leg)) return false;
    leg.ended();
    if (this.closed) return true;
    if (this.current?.leg === leg) {
      // The prompt's wait ends with the session; confirmTurn sees the leg gone and drops it.
      this.current.session.close();
      return true;
    }
    const at = this.waiting.findIndex((w) => w.leg === leg);
    if (at >= 0) {
      this.waiting.splice(at, 1);
      this.call.forks.confirmationOver(leg, false);
      this.call.dropped(leg);
    }
    return true;
  }

  /** The ringing is over (answered, no answer, caller gone): parties still confirming or waiting are released. */
  finish(): void {
    this.close(this.call.forks.answered !== undefined ? COMPLETED_ELSEWHERE : NOT_CONFIRMED);
  }

  private close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    const current = this.current;
    this.current = undefined;
    if (current !== undefined) {
      current.session.close();
      this.rebridge();
      current.leg.bye(reason);
    }
    for (const waiting of this.waiting.splice(0)) waiting.leg.bye(reason);
  }

  private next(): void {
    if (this.current !== undefined || this.closed) return;
    const turn = this.waiting.shift();
    if (turn === undefined) return;
    void this.confirmTurn(turn).catch((error: unknown) => {
      this.call.logger.warn({ err: error }, 'call: answer confirmation failed');
      this.release(turn.leg);
    });
  }

  private async confirmTurn(turn: Waiting): Promise<void> {
    const { leg } = turn;
    const party = partyFormat(turn.response.body);
    if (party === undefined || !leg.answered) {
      if (party === undefined) this.call.logger.warn({ leg: leg.id }, 'call: a party to confirm answered without G.711; its leg is ended');
      return this.release(leg);
    }
    const sideA = this.call.media.sideOf('a');
    const sideB = this.call.media.sideOf('b');
    // The party's media comes to the callee side as any answer's would; cut from the caller until it confirms, so
    // neither hears the other (a voicemail greeting must not reach the caller, nor the caller the voicemail).
    sideB.setRemote(party.address, party.port, leg.signallingAddress);
    sideB.bridgeTo(undefined);
    const session = pbxMediaOf(sideB, party.format, () => this.call.over || !leg.answered, this.call.clock);
    this.current = { leg, session };
    const prompt = turn.confirm.prompt ?? (await defaultPrompt());
    const accepted = await askForKey(session, prompt, turn.confirm.keys ?? ANY_KEY, (turn.confirm.timeoutSeconds ?? DEFAULT_CONFIRM_SECONDS) * 1000, this.call.clock);
    // Closed meanwhile (another party answered, the ringing ended): close() already released this leg.
    if (this.current?.leg !== leg) return;
    this.current = undefined;
    session.close();
    this.rebridge();
    if (accepted && leg.answered && !this.call.over) {
      this.call.forks.confirmationOver(leg, true);
      this.close(COMPLETED_ELSEWHERE);
      this.call.connect(leg, turn.response);
      return;
    }
    this.release(leg);
  }

  /** `leg` will not be connected: ended (unless its party hung up already), counted as failed; the next one's turn. */
  private release(leg: OutboundLeg): void {
    if (this.current?.leg === leg) this.current = undefined;
    leg.bye(NOT_CONFIRMED);
    this.call.forks.confirmationOver(leg, false);
    this.call.dropped(leg);
    this.next();
  }

  /** The caller and the callee side hear each other again (the next party's early media, the connected party). */
  private rebridge(): void {
    this.call.media.sideOf('a').bridgeTo(this.call.media.sideOf('b'));
  }
}

/**
 * Plays the prompt, then waits a moment for a key, again and again until `timeoutMs` from the answer: true for a key
 * in `keys`, false for the timeout or the session closing (a hang-up). Other keys are ignored.
 */
export async function askForKey(session: Pick<PbxMediaSession, 'play' | 'stop' | 'nextDigit'>, prompt: readonly PlayItem[], keys: string, timeoutMs: number, clock: Clock): Promise<boolean> {
  const deadline = clock.now().getTime() + timeoutMs;
  let timedOut = false;
  const stopTimer = clock.setTimer(timeoutMs, () => {
    timedOut = true;
    session.stop();
  });
  try {
    while (!timedOut) {
      const end = await session.play(prompt, { stopOnDigits: keys });
      if (end.reason === 'digit') return end.digit !== undefined && keys.includes(end.digit);
      if (end.reason === 'hangup' || timedOut) return false;
      const left = deadline - clock.now().getTime();
      if (left <= 0) return false;
      // Also after a prompt the relay could not play ('error'): the wait paces the loop and still takes a key.
      const digit = await session.nextDigit(Math.min(REPEAT_PAUSE_MS, left));
      if (digit !== undefined && keys.includes(digit)) return true;
    }
    return false;
  } finally {
    stopTimer();
  }
}

/** Where an answering party's media is and what the PBX speaks to it: the first format of its answer, if G.711. */
export function partyFormat(body: Buffer): { readonly address: string; readonly port: number; readonly format: PbxFormat } | undefined {
  const sdp = readSdp(body);
  if (!sdp.ok) return undefined;
  const address = mediaAddress(sdp.value);
  const audio = sdp.value.media.find((m) => m.media === 'audio' && m.port !== 0);
  const first = audio?.formats[0];
  if (address === undefined || audio === undefined || first === undefined) return undefined;
  const map = audio.attributes.find((a) => a.kind === 'rtpmap' && a.payloadType === Number(first));
  const name = map?.kind === 'rtpmap' ? map.encoding.toUpperCase() : first === '0' ? 'PCMU' : first === '8' ? 'PCMA' : '';
  if (name !== 'PCMU' && name !== 'PCMA') return undefined;
  return { address: address.address, port: address.port, format: { sdp: '', payloadType: Number(first), encoding: name, telephoneEventPayloadType: telephoneEventOf(sdp.value) } };
}

/** The codecs a ring with confirming parties offers: a carrier's allow list kept to G.711, else G.711; undefined: none left. */
export function confirmCodecs(codecs: readonly string[]): readonly string[] | undefined {
  if (codecs.length === 0) return CONFIRM_CODECS;
  const g711 = new Set(['pcmu', 'pcma', 'ulaw', 'alaw', 'g711u', 'g711a']);
  const kept = codecs.filter((c) => g711.has((c.split(':')[0] ?? '').trim().toLowerCase()));
  return kept.length > 0 ? kept : undefined;
}

let prompts: Promise<SystemPrompts | undefined> | undefined;

/** "Press 1" from the system prompts (Asterisk's sounds when installed, else the generated set); a tone without them. */
export async function defaultPrompt(): Promise<PlayItem[]> {
  prompts ??= SystemPrompts.load().catch(() => undefined);
  const loaded = await prompts;
  const files = [loaded?.path('press'), loaded?.path('digits/1')].filter((p): p is string => p !== undefined);
  return files.length > 0 ? files.map((path) => ({ kind: 'file', path })) : [{ kind: 'tone', tone: 'confirm' }];
}
