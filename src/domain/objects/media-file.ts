// mediafile (table me_mediafiles, spec §3.4.14): an audio prompt of one tenant. The row holds the
// metadata; the audio is a file the PBX names itself (services/objects/media-file-service.ts).
import { col, type ObjectSchema } from './object-schema.ts';

export const mediaFileSchema: ObjectSchema = {
  name: 'mediafile',
  title: 'media file',
  table: 'me_mediafiles',
  idColumn: 'me_id',
  tenantColumn: 'me_te_id',
  labelColumn: 'me_name',
  columns: {
    me_name: col.text(255, { required: true }),
    // Set from the uploaded audio (updatebinary); the stored file's name depends on it.
    me_format: col.text(8, { readOnly: true }),
    me_size: col.int({ readOnly: true }),
    me_md5: col.text(32, { readOnly: true }),
    me_moh: col.flag(),
    me_description: col.text(1024),
    me_type: col.text(32),
    me_text: col.text(4096),
    me_engine: col.text(64),
    me_language: col.text(32),
    me_voiceapiusername: col.text(255),
    me_volume: col.int(),
    me_datetime: col.datetime({ readOnly: true }),
    me_voiceapihost: col.text(255),
  },
  aliases: { name: 'me_name', description: 'me_description', type: 'me_type', text: 'me_text', engine: 'me_engine', language: 'me_language', volume: 'me_volume' },
};
