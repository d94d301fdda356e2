// ivr (table iv_ivrs, spec §3.4.5): a voice menu of one tenant. Its prompts and its key choices are
// destination slots (IVR_MEDIAFILE, IVR_0..9, IVR_TIMEOUT, CUSTOMIVR_<word>, ... §3.3).
import { col, type ObjectSchema } from './object-schema.ts';

export const IVR_TYPES = ['DTMF', 'VOICE'] as const;

const flags = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, col.flag()]));

export const ivrSchema: ObjectSchema = {
  name: 'ivr',
  title: 'IVR',
  table: 'iv_ivrs',
  idColumn: 'iv_id',
  tenantColumn: 'iv_te_id',
  labelColumn: 'iv_name',
  columns: {
    iv_name: col.text(255, { required: true }),
    // Kept for MiRTA's column set; the prompt is the IVR_MEDIAFILE slot (§3.4.5).
    iv_me_id: col.ref('mediafile'),
    iv_timeout: col.int(),
    ...flags(['iv_loopontimeout', 'iv_looponwrongkeypress', 'iv_allowdisa', 'iv_allowfeatures']),
    iv_digittimeout: col.int(),
    iv_allowcustom: col.flag(),
    iv_maxloops: col.int(),
    ...flags(['iv_loopplaymessageonce', 'iv_allowanyextension']),
    iv_ivrtype: col.oneOf(IVR_TYPES, 'DTMF'),
    iv_language: col.text(16),
    iv_minsilence: col.int(),
    iv_silencethreshold: col.int(),
  },
  aliases: { name: 'iv_name', mediafile_id: 'iv_me_id', timeout: 'iv_timeout', digit_timeout: 'iv_digittimeout' },
};
