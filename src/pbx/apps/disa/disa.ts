// DISA-<id> (spec §3.4.24, glossary "DISA"): Direct Inward System Access. The PBX answers, plays the welcome message,
// asks for the PIN when the DISA has one (a tone, the PIN, `#`), then gives a tone and reads a number (`#` or the
// digit timeout ends it), and the call goes on to that number as the tenant's dialplan sends it
// (dialplan/number-targets.ts, the one place numbers become destinations): a jump of the one runner, with the
// caller id the DISA sets. Outside numbers only when ds_outbound is on and a PIN guards them. Too many wrong PINs:
// a congestion tone and the PBX hangs up.
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../../shared/index.ts';
import { collectKeys, type Application, type CallHandle, type PbxMedia, type PlayItem, type StepOutcome, type Target } from '../../calls/index.ts';
import { targetsForNumber, type NumberDirectory, type NumberTarget } from '../../dialplan/index.ts';
import type { MediaFileDirectory } from '../playback/index.ts';
import type { DisaDirectory, DisaSettings } from './disa-settings.ts';

export interface DisaDeps {
  readonly disas: DisaDirectory;
  /** The tenant's dialplan: what a number dialled here reaches. */
  readonly numbers: NumberDirectory;
  /** The welcome message (ds_me_id). */
  readonly media: MediaFileDirectory;
  /** The system prompts (media/prompts SystemPrompts fits); none = tones only. */
  readonly prompts?: { path(name: string): string | undefined };
  readonly logger: Logger;
}

const KEYS = '0123456789*#';
/** A PIN or a number is at most this long (ds_pin is 1-32 digits; numbers as in an IVR). */
const MAX_DIGITS = 32;
/**
 * The tone that says "dial now", played until the first key or the response timeout. The relay has no continuous
 * dial tone yet: its 400 Hz "off" confirmation tone, looped, is the closest steady tone it plays.
 */
const dialTone = (ms: number): PlayItem => ({ kind: 'tone', tone: 'confirm-off', ms });
/** Before the PBX hangs up on a caller that did not get in: congestion, as a failed call would give. */
const REFUSED: readonly PlayItem[] = [{ kind: 'tone', tone: 'congestion', ms: 2000 }];

export class Disa implements Application {
  constructor(private readonly deps: DisaDeps) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const disa = await this.deps.disas.disa(call.tenantId, target.id);
    if (disa === undefined) return { kind: 'next', reason: 'unavailable', status: 404, text: 'Not Found' };
    call.attempt({ destination: call.dialled, peerAccount: '', landed: { kind: 'IVR', label: `DISA-${disa.id}` }, app: 'DISA' });
    const media = await call.answer();
    if (media === undefined) return call.over ? { kind: 'caller-gone' } : { kind: 'failed', status: 488, text: 'Not Acceptable Here' };
    let before = await this.welcome(call, disa);
    if (disa.pin !== '') {
      const admitted = await this.authenticate(call, media, disa, before);
      if (admitted !== true) return admitted;
      before = [];
    }
    for (let attempt = 1; attempt <= disa.attempts; attempt++) {
      const number = await this.collect(call, media, disa, before);
      if (number === undefined) return { kind: 'caller-gone' };
      const targets = number === '' ? [] : this.allowed(call, disa, await targetsForNumber(this.deps.numbers, call.tenantId, number));
      if (targets.length > 0) {
        this.presentCaller(call, disa);
        return { kind: 'jump', targets };
      }
      this.deps.logger.info({ tenantId: call.tenantId, disa: disa.id, linkedId: call.linkedId, number, attempt }, 'call: DISA: the number reaches nothing allowed');
      before = number === '' ? [] : this.prompt('number-unavailable');
    }
    return this.refuse(call, media, 'disa-no-number');
  }

  /** Up to ds_looponattempt tries; true when the caller typed the PIN, else the step's end. */
  private async authenticate(call: CallHandle, media: PbxMedia, disa: DisaSettings, welcome: PlayItem[]): Promise<true | StepOutcome> {
    for (let attempt = 1; attempt <= disa.attempts; attempt++) {
      const entered = await this.collect(call, media, disa, attempt === 1 ? welcome : this.prompt('please-try-again'));
      if (entered === undefined) return { kind: 'caller-gone' };
      if (samePin(entered, disa.pin)) return true;
      this.deps.logger.info({ tenantId: call.tenantId, disa: disa.id, linkedId: call.linkedId, caller: call.callerParty.number, attempt }, 'call: DISA: wrong PIN');
    }
    this.deps.logger.warn({ tenantId: call.tenantId, disa: disa.id, linkedId: call.linkedId, caller: call.callerParty.number }, 'call: DISA: too many wrong PINs, hanging up');
    return this.refuse(call, media, 'disa-wrong-pin');
  }

  /**
   * Plays `before`, then the tone until the first key or the response timeout, and reads keys until `#` or the
   * digit timeout. '' = nothing typed; undefined = the caller hung up.
   */
  private collect(call: CallHandle, media: PbxMedia, disa: DisaSettings, before: readonly PlayItem[]): Promise<string | undefined> {
    const responseMs = disa.responseSeconds * 1000;
    return collectKeys(call, media, { prompt: [...before, dialTone(responseMs)], stopKeys: KEYS, firstDigitMs: responseMs, promptIsWait: true, interDigitMs: disa.digitSeconds * 1000, maxDigits: MAX_DIGITS, terminator: '#' });
  }

  /** The targets the DISA lets the caller reach: outside numbers (OUT) only with ds_outbound and a PIN. */
  private allowed(call: CallHandle, disa: DisaSettings, targets: NumberTarget[]): NumberTarget[] {
    if (disa.outbound && disa.pin === '') {
      // MiRTA's form requires a PIN for outbound calls; a row without one must not become an open toll line.
      this.deps.logger.warn({ tenantId: call.tenantId, disa: disa.id }, 'call: DISA allows outbound calls but has no PIN; outside numbers refused');
    }
    const outside = disa.outbound && disa.pin !== '';
    return targets.filter((t) => t.tag !== 'OUT' || outside);
  }

  /** ds_calleridnum / ds_calleridname, else an anonymous caller with ds_blockcid, for the rest of the call. */
  private presentCaller(call: CallHandle, disa: DisaSettings): void {
    const number = disa.callerIdNumber || (disa.blockCallerId ? 'anonymous' : '');
    const name = disa.callerIdName || (disa.blockCallerId ? 'Anonymous' : '');
    if (number === '' && name === '') return;
    if (call.setCaller === undefined) {
      this.deps.logger.warn({ tenantId: call.tenantId, disa: disa.id, linkedId: call.linkedId }, 'call: DISA: this call cannot change its caller id; the caller\'s own is kept');
      return;
    }
    call.setCaller({ ...(number === '' ? {} : { number }), ...(name === '' ? {} : { name }) });
  }

  private async refuse(call: CallHandle, media: PbxMedia, cause: string): Promise<StepOutcome> {
    await media.play(REFUSED);
    if (call.over) return { kind: 'caller-gone' };
    call.hangup(cause);
    return { kind: 'done' };
  }

  private async welcome(call: CallHandle, disa: DisaSettings): Promise<PlayItem[]> {
    const path = disa.welcomeMediaId === undefined ? undefined : await this.deps.media.audioPath(call.tenantId, disa.welcomeMediaId);
    return path === undefined ? [] : [{ kind: 'file', path }];
  }

  private prompt(name: string): PlayItem[] {
    const path = this.deps.prompts?.path(name);
    return path === undefined ? [] : [{ kind: 'file', path }];
  }
}

/** Compares in constant time for equal lengths, so the time a wrong PIN takes says nothing about the right one. */
function samePin(entered: string, pin: string): boolean {
  const a = Buffer.from(entered);
  const b = Buffer.from(pin);
  return a.length === b.length && timingSafeEqual(a, b);
}
