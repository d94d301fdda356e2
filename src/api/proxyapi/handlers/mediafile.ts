// MEDIAFILE (spec §2.19): `action=getaudio&objectid=<me_id>` answers the audio of one of the tenant's
// media files, as MANAGEDB mediafile getbinary does.
import { PbxError } from '../../../shared/index.ts';
import { ANY_FORMAT, type ReqtypeHandler } from '../handler.ts';
import { mediaAudio } from './managedb/mediafile-actions.ts';

export const mediaFile: ReqtypeHandler = {
  syntax: 'Media file audio.\n  tenant, action=getaudio, objectid (media file id)\n  answers the audio bytes with their type (audio/wav, audio/mpeg, ...)',
  tenant: 'required',
  adminOnly: false,
  writes: false,
  // The answer is audio whatever `format` says.
  formats: ANY_FORMAT,
  async handle(ctx) {
    const action = ctx.params.requireWord('action');
    if (action !== 'getaudio') throw new PbxError('unknown_action', `Unknown action ${action} for MEDIAFILE: expected getaudio`);
    return mediaAudio(ctx);
  },
};
