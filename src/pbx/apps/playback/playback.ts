// PLAYBACK-<id> (spec §3.3): play one of the tenant's media files to the caller. The PBX answers the caller if it
// has not (Asterisk's Playback answers too), plays the file through, and the list goes on with its next target;
// at the end of the list the PBX hangs up. A file the relay cannot play is logged and skipped, never silence.
import type { Logger } from '../../../shared/index.ts';
import type { Application, CallHandle, StepOutcome, Target } from '../../calls/index.ts';

/** Where a tenant's media file's audio is: its path, or undefined when there is no such file or no audio uploaded. */
export interface MediaFileDirectory {
  audioPath(tenantId: number, mediaFileId: number): Promise<string | undefined>;
}

export class Playback implements Application {
  constructor(private readonly deps: { readonly media: MediaFileDirectory; readonly logger: Logger }) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const path = await this.deps.media.audioPath(call.tenantId, target.id);
    if (path === undefined) {
      this.deps.logger.warn({ tenantId: call.tenantId, mediaFileId: target.id, linkedId: call.linkedId }, 'call: PLAYBACK of a media file with no audio; skipped');
      return { kind: 'continue' };
    }
    call.attempt({ destination: call.dialled, peerAccount: '', landed: { kind: 'PLAYBACK', label: String(target.id) }, app: 'Playback' });
    const media = await call.answer();
    if (media === undefined) return call.over ? { kind: 'caller-gone' } : { kind: 'failed', status: 488, text: 'Not Acceptable Here' };
    const end = await media.play([{ kind: 'file', path }]);
    if (end.reason === 'hangup') return { kind: 'caller-gone' };
    if (end.reason === 'error') this.deps.logger.warn({ tenantId: call.tenantId, mediaFileId: target.id, error: end.error }, 'call: PLAYBACK could not play the file');
    return { kind: 'continue' };
  }
}
