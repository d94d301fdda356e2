// MANAGEDB mediafile's own actions (spec §3.1): `updatebinary` (multipart field `filename`), `getbinary`
// (the audio bytes with their MIME type), and `delete`, which also removes the stored audio.
import { PbxError } from '../../../../shared/index.ts';
import { tenantOf, type RequestContext } from '../../handler.ts';
import type { Reply } from '../../reply.ts';
import { json, mirtaRow, type ManagedObject } from './managed-object.ts';

/** The audio of the media file named by `objectid`, as a binary answer (also MEDIAFILE getaudio). */
export async function mediaAudio(ctx: RequestContext): Promise<Reply> {
  const audio = await ctx.services.media.audio(tenantOf(ctx).te_id, ctx.params.requireId('objectid'));
  return { kind: 'binary', bytes: audio.bytes, contentType: audio.contentType };
}

export const mediaFileActions: ManagedObject['actions'] = {
  updatebinary: {
    writes: true,
    async handle(ctx) {
      const id = ctx.params.requireId('objectid');
      // MiRTA's clients post the file as `filename=@audio.wav` (§1.6): a multipart file field.
      const file = ctx.params.files.get('filename');
      if (!file) {
        const why = ctx.params.get('filename') === undefined ? '' : ': send it as a multipart/form-data file, not as text';
        throw new PbxError('missing_parameter', `No filename specified${why}`);
      }
      const row = await ctx.services.media.upload(tenantOf(ctx).te_id, id, new Uint8Array(await file.arrayBuffer()), file.name);
      return json(mirtaRow(row));
    },
  },
  getbinary: { writes: false, handle: mediaAudio },
  delete: {
    writes: true,
    async handle(ctx) {
      const id = ctx.params.requireId('objectid');
      await ctx.services.media.delete(tenantOf(ctx).te_id, id);
      return json({ result: 'OK', deleted: String(id) });
    },
  },
};
