// IVR-<id> (spec §3.3, §3.4.5): a voice menu. The PBX answers, plays the welcome (IVR_MEDIAFILE) and options
// (IVR_OPTIONSMEDIAFILE) prompts, cut short by the first key, and sends the call where the key says: IVR_0..IVR_9,
// IVR_STAR, IVR_SHARP; or, when the menu allows it, to the extension whose number the caller dialled. A key with no
// destination is IVR_WRONG, no key IVR_TIMEOUT; each repeats the menu first when its loop flag is on, up to
// iv_maxloops rounds. Keys come by any method the caller's leg uses (RFC 4733, SIP INFO, in-band).
import type { Logger } from '../../../shared/index.ts';
import type { Application, CallHandle, PbxMedia, PlayItem, SlotDirectory, StepOutcome, Target } from '../../calls/index.ts';
import type { MediaFileDirectory } from '../playback/index.ts';
import type { IvrDirectory, IvrSettings } from './ivr-settings.ts';

export interface IvrDeps {
  readonly ivrs: IvrDirectory;
  readonly slots: SlotDirectory;
  readonly media: MediaFileDirectory;
  /** The tenant's extension with this number (dialling in the menu), if any. */
  readonly extensions: { findExtension(tenantId: number, number: string): Promise<{ readonly extensionId: number } | undefined> };
  readonly logger: Logger;
}

const KEYS = '0123456789*#';
/** The slot each key leads to. */
const KEY_SLOT = (key: string): string => (key === '*' ? 'IVR_STAR' : key === '#' ? 'IVR_SHARP' : `IVR_${key}`);
/** A number dialled in a menu is at most this long (the longest extension number, spec §3.4.2). */
const MAX_DIALLED = 32;

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
      const choice = await this.listen(media, ivr, items);
      if (call.over || choice.kind === 'hangup') return { kind: 'caller-gone' };
      const last = round >= ivr.maxLoops;
      if (choice.kind === 'timeout') {
        if (ivr.loopOnTimeout && !last) continue;
        return this.leave(call, ivr, 'IVR_TIMEOUT');
      }
      const outcome = await this.chosen(call, ivr, choice.digits);
      if (outcome !== undefined) return outcome;
      this.deps.logger.info({ tenantId: call.tenantId, ivr: ivr.id, linkedId: call.linkedId, digits: choice.digits }, 'call: IVR: no destination for the keys');
      if (ivr.loopOnWrongKey && !last) continue;
      return this.leave(call, ivr, 'IVR_WRONG');
    }
  }

  /** Plays the prompts (cut short by a key) and reads the caller's choice: one key, or a number when allowed. */
  private async listen(media: PbxMedia, ivr: IvrSettings, items: readonly PlayItem[]): Promise<{ kind: 'keys'; digits: string } | { kind: 'timeout' } | { kind: 'hangup' }> {
    const played = items.length === 0 ? undefined : await media.play(items, { stopOnDigits: KEYS });
    if (played?.reason === 'hangup') return { kind: 'hangup' };
    const first = played?.reason === 'digit' ? played.digit : await media.nextDigit(ivr.waitSeconds * 1000);
    if (first === undefined) return { kind: 'timeout' };
    let digits = first;
    // A menu where callers may dial extensions waits for more keys (digit timeout, or # to end the number).
    if (ivr.anyExtension) {
      while (digits.length < MAX_DIALLED) {
        const next = await media.nextDigit(ivr.digitSeconds * 1000);
        if (next === undefined || next === '#') break;
        digits += next;
      }
    }
    return { kind: 'keys', digits };
  }

  /** Where the keys lead: a key's slot, or the extension dialled; undefined = nowhere (a wrong key). */
  private async chosen(call: CallHandle, ivr: IvrSettings, digits: string): Promise<StepOutcome | undefined> {
    if (digits.length === 1) {
      const slot = KEY_SLOT(digits);
      if ((await this.deps.slots.slotTargets(call.tenantId, slot, ivr.id)).length > 0) return { kind: 'goto', slot: { slot, ownerId: ivr.id } };
    }
    if (ivr.anyExtension) {
      const extension = await this.deps.extensions.findExtension(call.tenantId, digits);
      if (extension !== undefined) return { kind: 'jump', targets: [{ tag: 'EXT', id: extension.extensionId }] };
    }
    return undefined;
  }

  /** IVR_TIMEOUT / IVR_WRONG when the menu gives them targets; otherwise the menu ends and the call with it. */
  private async leave(call: CallHandle, ivr: IvrSettings, slot: 'IVR_TIMEOUT' | 'IVR_WRONG'): Promise<StepOutcome> {
    if ((await this.deps.slots.slotTargets(call.tenantId, slot, ivr.id)).length > 0) return { kind: 'goto', slot: { slot, ownerId: ivr.id } };
    return { kind: 'continue' };
  }

  /** A prompt slot's media files as items to play (targets PLAYBACK-<id>, or a media file id under any tag). */
  private async prompts(call: CallHandle, ivr: IvrSettings, slot: string): Promise<PlayItem[]> {
    const targets = await this.deps.slots.slotTargets(call.tenantId, slot, ivr.id);
    const paths = await Promise.all(targets.map((t) => this.deps.media.audioPath(call.tenantId, t.id)));
    return paths.filter((path): path is string => path !== undefined).map((path) => ({ kind: 'file', path }));
  }
}
