// IVR-<id> (spec §3.3, §3.4.5): a voice menu. The PBX answers, plays the welcome (IVR_MEDIAFILE) and options
// (IVR_OPTIONSMEDIAFILE) prompts, cut short by the first key, and sends the call where the key says: IVR_0..IVR_9,
// IVR_STAR, IVR_SHARP; or, when the menu allows it, to a number the caller dialled: one of the tenant's extensions
// (iv_allowanyextension), feature codes (iv_allowfeatures), any number of the tenant's dialplan (iv_allowdisa). A key
// with no destination is IVR_WRONG, no key IVR_TIMEOUT; each repeats the menu first when its loop flag is on, up to
// iv_maxloops rounds. A caller hanging up in the menu runs IVR_HANGUP after. Every choice goes to the IVR log.
// Keys come by any method the caller's leg uses (RFC 4733, SIP INFO, in-band).
import type { Logger } from '../../../shared/index.ts';
import { collectKeys, type Application, type CallHandle, type PbxMedia, type PlayItem, type SlotDirectory, type StepOutcome, type Target } from '../../calls/index.ts';
import { targetsForNumber, type NumberDirectory } from '../../dialplan/index.ts';
import type { MediaFileDirectory } from '../playback/index.ts';
import { destinationOf, type IvrChoiceKind, type IvrLog } from './ivr-log.ts';
import type { IvrDirectory, IvrSettings } from './ivr-settings.ts';

export interface IvrDeps {
  readonly ivrs: IvrDirectory;
  readonly slots: SlotDirectory;
  readonly media: MediaFileDirectory;
  /** The tenant's extension with this number (dialling in the menu), if any. */
  readonly extensions: { findExtension(tenantId: number, number: string): Promise<{ readonly extensionId: number } | undefined> };
  /** Whether a sequence is one of the tenant's feature codes (iv_allowfeatures); none = feature codes are not offered. */
  readonly featureCodes?: { isFeatureCode(tenantId: number, dialled: string): Promise<boolean> };
  /** The tenant's dialplan (iv_allowdisa); none = numbers other than extensions are not offered. */
  readonly numbers?: NumberDirectory;
  /** Where choices are written (INFO ivrlogs); none = not logged. */
  readonly log?: IvrLog;
  readonly logger: Logger;
}

const KEYS = '0123456789*#';
/** The slot each key leads to. */
const KEY_SLOT = (key: string): string => (key === '*' ? 'IVR_STAR' : key === '#' ? 'IVR_SHARP' : `IVR_${key}`);
/** A number dialled in a menu is at most this long (the longest extension number, spec §3.4.2). */
const MAX_DIALLED = 32;

type Heard = { kind: 'keys'; digits: string } | { kind: 'timeout' } | { kind: 'hangup' };
interface Chosen {
  readonly outcome: StepOutcome;
  readonly choice: IvrChoiceKind;
}

export class Ivr implements Application {
  constructor(private readonly deps: IvrDeps) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const ivr = await this.deps.ivrs.ivr(call.tenantId, target.id);
    if (ivr === undefined) return { kind: 'next', reason: 'unavailable', status: 404, text: 'Not Found' };
    call.attempt({ destination: call.dialled, peerAccount: '', landed: { kind: 'IVR', label: String(ivr.id) }, app: 'IVR' });
    const media = await call.answer();
    if (media === undefined) return call.over ? { kind: 'caller-gone' } : { kind: 'failed', status: 488, text: 'Not Acceptable Here' };
    const [welcome, options] = await Promise.all([this.prompts(call, ivr, 'IVR_MEDIAFILE'), this.prompts(call, ivr, 'IVR_OPTIONSMEDIAFILE')]);
    for (let round = 1; ; round++) {
      const items = round > 1 && ivr.welcomeOnce ? options : [...welcome, ...options];
      const heard = await this.listen(call, media, ivr, items);
      const note = (keys: string, choice: IvrChoiceKind, outcome: StepOutcome | undefined) => this.note(call, ivr, round, keys, choice, outcome);
      if (call.over || heard.kind === 'hangup') {
        const outcome = await this.hungUp(call, ivr);
        await note('', 'HANGUP', outcome);
        return outcome;
      }
      const last = round >= ivr.maxLoops;
      if (heard.kind === 'timeout') {
        const outcome = ivr.loopOnTimeout && !last ? undefined : await this.leave(call, ivr, 'IVR_TIMEOUT');
        await note('', 'TIMEOUT', outcome);
        if (outcome === undefined) continue;
        return outcome;
      }
      const chosen = await this.chosen(call, ivr, heard.digits);
      if (chosen !== undefined) {
        await note(heard.digits, chosen.choice, chosen.outcome);
        return chosen.outcome;
      }
      this.deps.logger.info({ tenantId: call.tenantId, ivr: ivr.id, linkedId: call.linkedId, digits: heard.digits }, 'call: IVR: no destination for the keys');
      const outcome = ivr.loopOnWrongKey && !last ? undefined : await this.leave(call, ivr, 'IVR_WRONG');
      await note(heard.digits, 'WRONG', outcome);
      if (outcome === undefined) continue;
      return outcome;
    }
  }

  /** Plays the prompts (cut short by a key) and reads the caller's choice: one key, or a number when allowed. */
  private async listen(call: CallHandle, media: PbxMedia, ivr: IvrSettings, items: readonly PlayItem[]): Promise<Heard> {
    // A menu where callers may dial numbers waits for more keys (digit timeout, or # to end the number); feature
    // codes start with * or #, so a menu offering only those waits after those keys alone. A lone # is a menu key.
    const number = (first: string) => ivr.anyExtension || ivr.allowDisa || (ivr.allowFeatures && (first === '*' || first === '#'));
    const digits = await collectKeys(call, media, {
      prompt: items,
      stopKeys: KEYS,
      firstDigitMs: ivr.waitSeconds * 1000,
      interDigitMs: ivr.digitSeconds * 1000,
      maxDigits: (first) => (number(first) ? MAX_DIALLED : 1),
      terminator: '#',
      leadingTerminator: 'key',
    });
    if (digits === undefined) return { kind: 'hangup' };
    return digits === '' ? { kind: 'timeout' } : { kind: 'keys', digits };
  }

  /** Where the keys lead: a key's slot, a feature code, the extension or number dialled; undefined = nowhere (a wrong key). */
  private async chosen(call: CallHandle, ivr: IvrSettings, digits: string): Promise<Chosen | undefined> {
    if (digits.length === 1) {
      const slot = KEY_SLOT(digits);
      if ((await this.deps.slots.slotTargets(call.tenantId, slot, ivr.id)).length > 0) return { choice: 'KEY', outcome: { kind: 'goto', slot: { slot, ownerId: ivr.id } } };
    }
    // The FEATURECODE step is the one call setup uses for a phone's star code: the same table, the same actions.
    if (ivr.allowFeatures && (await this.deps.featureCodes?.isFeatureCode(call.tenantId, digits)) === true) {
      return { choice: 'FEATURE', outcome: { kind: 'jump', targets: [{ tag: 'FEATURECODE', id: 0, number: digits }] } };
    }
    if (ivr.anyExtension) {
      const extension = await this.deps.extensions.findExtension(call.tenantId, digits);
      if (extension !== undefined) return { choice: 'EXTENSION', outcome: { kind: 'jump', targets: [{ tag: 'EXT', id: extension.extensionId }] } };
    }
    // DISA from the menu: a number (never a lone key, which is a menu choice) goes where the tenant's dialplan sends
    // it, outside numbers included, as if a phone of the tenant had dialled it.
    if (ivr.allowDisa && this.deps.numbers !== undefined && digits.length > 1) {
      const targets = await targetsForNumber(this.deps.numbers, call.tenantId, digits);
      if (targets.length > 0) return { choice: 'DISA', outcome: { kind: 'jump', targets } };
    }
    return undefined;
  }

  /** IVR_TIMEOUT / IVR_WRONG when the menu gives them targets; otherwise the menu ends and the call with it. */
  private async leave(call: CallHandle, ivr: IvrSettings, slot: 'IVR_TIMEOUT' | 'IVR_WRONG'): Promise<StepOutcome> {
    if ((await this.deps.slots.slotTargets(call.tenantId, slot, ivr.id)).length > 0) return { kind: 'goto', slot: { slot, ownerId: ivr.id } };
    return { kind: 'continue' };
  }

  /** The caller left the menu by hanging up: the runner runs IVR_HANGUP's targets after, when it has any. */
  private async hungUp(call: CallHandle, ivr: IvrSettings): Promise<StepOutcome> {
    if ((await this.deps.slots.slotTargets(call.tenantId, 'IVR_HANGUP', ivr.id)).length === 0) return { kind: 'caller-gone' };
    return { kind: 'caller-gone', then: { slot: 'IVR_HANGUP', ownerId: ivr.id } };
  }

  /** Writes the choice to the IVR log; a failed write is logged and the call goes on. */
  private async note(call: CallHandle, ivr: IvrSettings, round: number, keys: string, choice: IvrChoiceKind, outcome: StepOutcome | undefined): Promise<void> {
    if (this.deps.log === undefined) return;
    const caller = call.callerParty;
    const entry = { tenantId: call.tenantId, linkedId: call.linkedId, ivrId: ivr.id, ivrName: ivr.name, callerNumber: caller.number, callerName: caller.name, round, keys, choice, destination: destinationOf(outcome) };
    try {
      await this.deps.log.record(entry);
    } catch (error) {
      this.deps.logger.warn({ err: error, tenantId: call.tenantId, ivr: ivr.id, linkedId: call.linkedId }, 'call: IVR: the choice could not be logged');
    }
  }

  /** A prompt slot's media files as items to play (targets PLAYBACK-<id>, or a media file id under any tag). */
  private async prompts(call: CallHandle, ivr: IvrSettings, slot: string): Promise<PlayItem[]> {
    const targets = await this.deps.slots.slotTargets(call.tenantId, slot, ivr.id);
    const paths = await Promise.all(targets.map((t) => this.deps.media.audioPath(call.tenantId, t.id)));
    return paths.filter((path): path is string => path !== undefined).map((path) => ({ kind: 'file', path }));
  }
}
