// SETUNCONDITIONALDID-<did id> (spec §3.3 "set a DID's unconditional forward"): the PBX answers, a steady tone asks
// for a number, the caller keys it and ends it with # (or stops: the digit timeout ends it too), and that outside
// number becomes the DID's unconditional forward: its DID-UNCONDITIONAL slot is replaced by one CUSTOM destination
// of type EXTERNALNUMBER dialling it, and di_unconditionalstatus is switched on (DidForwardDirectory.forwardTo).
// Carrier calls to the DID then run that slot as any forward (dialplan/inbound-did.ts, the dial-out step): nothing
// here decides where a call goes. Two high beeps confirm and the list goes on; a bad number (none, too long, * in it)
// changes nothing and gets the failure tone, then the PBX hangs up.
import type { Logger } from '../../../shared/index.ts';
import { collectKeys, type Application, type CallHandle, type PbxMedia, type PlayItem, type StepOutcome, type Target } from '../../calls/index.ts';
import type { DidForwardDirectory } from './did-forward.ts';
import { checkForwardNumber, MAX_FORWARD_DIGITS } from './forward-number.ts';

export interface SetUnconditionalDidDeps {
  readonly dids: DidForwardDirectory;
  readonly logger: Logger;
  /** How long the tone waits for the first key; default 10 s. */
  readonly responseSeconds?: number;
  /** How long after a key the next may come before the number is taken as complete; default 5 s. */
  readonly digitSeconds?: number;
}

const KEYS = '0123456789*#ABCD';
/** The phone's audio path opens after the answer: its first 100-200 ms are often lost. */
const LEAD_IN: PlayItem = { kind: 'silence', ms: 200 };
/**
 * "Key the number now". There is no system prompt that says it (media/prompts) and the relay has no continuous dial
 * tone: its 400 Hz "off" tone held for the response time is the steady tone DISA uses for the same question.
 */
const askTone = (ms: number): PlayItem => ({ kind: 'tone', tone: 'confirm-off', ms });
/** The feature codes' confirmations (two high beeps / a pulsed low tone), with a tail the jitter buffer plays out. */
const DONE: readonly PlayItem[] = [{ kind: 'tone', tone: 'confirm-on' }, { kind: 'silence', ms: 300 }];
const REFUSED: readonly PlayItem[] = [{ kind: 'tone', tone: 'confirm-failed' }, { kind: 'silence', ms: 300 }];

export class SetUnconditionalDid implements Application {
  private readonly responseMs: number;
  private readonly digitMs: number;

  constructor(private readonly deps: SetUnconditionalDidDeps) {
    this.responseMs = (deps.responseSeconds ?? 10) * 1000;
    this.digitMs = (deps.digitSeconds ?? 5) * 1000;
  }

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const did = await this.deps.dids.unconditional(call.tenantId, target.id);
    if (did === undefined) return { kind: 'next', reason: 'unavailable', status: 404, text: `DID ${target.id} not found` };
    // Keying a number needs a caller: in a list run after the caller left (IVR_HANGUP) there is nobody to ask.
    if (call.over) return { kind: 'caller-gone' };
    call.attempt({ destination: call.dialled, peerAccount: '', landed: { kind: 'PLAYBACK', label: `SETUNCONDITIONALDID-${target.id}` }, app: 'Read' });
    const media = await call.answer();
    if (media === undefined) return call.over ? { kind: 'caller-gone' } : { kind: 'failed', status: 488, text: 'Not Acceptable Here' };
    const keys = await this.collect(call, media);
    if (keys === undefined) return { kind: 'caller-gone' };
    const fields = { tenantId: call.tenantId, linkedId: call.linkedId, did: target.id, didNumber: did.number };
    const checked = checkForwardNumber(keys);
    if (!checked.ok) {
      this.deps.logger.info({ ...fields, why: checked.why }, 'call: SETUNCONDITIONALDID: no usable number keyed in; forward unchanged');
      return this.refuse(call, media);
    }
    try {
      const { customId } = await this.deps.dids.forwardTo(call.tenantId, target.id, checked.number);
      this.deps.logger.info({ ...fields, number: checked.number, custom: customId }, 'call: DID unconditional forward set');
    } catch (error) {
      // The DID deleted meanwhile, the store down: the caller must not hear a confirmation.
      this.deps.logger.error({ ...fields, err: error }, 'call: SETUNCONDITIONALDID: the forward could not be stored');
      return this.refuse(call, media);
    }
    const end = await media.play(DONE);
    return end.reason === 'hangup' || call.over ? { kind: 'caller-gone' } : { kind: 'continue' };
  }

  /**
   * The tone until the first key or the response time, then keys until `#` or the digit timeout. At most one key
   * more than a number may have is read, so an endless stream of keys ends. '' = nothing keyed; undefined = gone.
   */
  private collect(call: CallHandle, media: PbxMedia): Promise<string | undefined> {
    return collectKeys(call, media, {
      prompt: [LEAD_IN, askTone(this.responseMs)],
      stopKeys: KEYS,
      firstDigitMs: this.responseMs,
      promptIsWait: true,
      interDigitMs: this.digitMs,
      maxDigits: MAX_FORWARD_DIGITS + 1,
      terminator: '#',
    });
  }

  private async refuse(call: CallHandle, media: PbxMedia): Promise<StepOutcome> {
    const end = await media.play(REFUSED);
    if (end.reason === 'hangup' || call.over) return { kind: 'caller-gone' };
    call.hangup('set-unconditional-did-refused');
    return { kind: 'done' };
  }
}
