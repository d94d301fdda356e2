// campaign (table ca_campaigns, spec §3.4.24, OpenAPI only): an outbound dialling campaign of one tenant,
// and campaignnumber (cn_campaignnumbers): the numbers it calls, with their outcome.
import { col, texts, type ObjectSchema } from './object-schema.ts';

export const CAMPAIGN_TYPES = ['VOICE', 'FAX', 'SMS'] as const;
export const CAMPAIGN_STATES = ['ACTIVE', 'PAUSED', 'STOPPED', 'COMPLETED'] as const;

export const campaignSchema: ObjectSchema = {
  name: 'campaign',
  title: 'campaign',
  table: 'ca_campaigns',
  idColumn: 'ca_id',
  tenantColumn: 'ca_te_id',
  labelColumn: 'ca_name',
  columns: {
    ca_name: col.text(255, { required: true }),
    ca_type: col.oneOf(CAMPAIGN_TYPES, 'VOICE'),
    ca_datestart: col.datetime(),
    ca_dateend: col.datetime(),
    ca_co_id: col.ref('condition'),
    ca_maxchannels: col.int(),
    ca_maxattempts: col.int(),
    ca_callerid: col.text(64),
    ca_calldelay: col.int(),
    ca_state: col.oneOf(CAMPAIGN_STATES, 'PAUSED'),
    ca_lastrun: col.datetime({ readOnly: true }),
    ca_dialtimeout: col.int(),
    ca_hosted: col.flag(),
    ca_tech: col.oneOf(['SIP', 'PJSIP'], 'PJSIP'),
    ca_message: col.text(1024),
    ca_recording: col.flag(),
    ca_cr_id: col.ref('conference'),
    ca_qu_id: col.ref('queue'),
    ca_minfreeagents: col.int(),
    ca_emailrecording: col.text(1024),
    ca_minemailrecording: col.int(),
    ca_retrytime: col.int(),
    ca_onconnect_calleridname: col.text(255),
    ca_calleridname: col.text(255),
    ca_confirm: col.flag(),
    ca_confirmmessage_me_id: col.ref('mediafile'),
    ca_maxcampaignnumbers: col.int(),
    ...texts(['ca_faxquality', 'ca_pagesize', 'ca_pagerotate'], 32),
    ca_statechange: col.datetime({ readOnly: true }),
    // The probe shows this column twice, with and without prefix; one column, both names accepted.
    ca_channelsforfreeagents: col.int(),
    ca_summaxattempts: col.int(),
  },
  aliases: { name: 'ca_name', type: 'ca_type', state: 'ca_state', channelsforfreeagents: 'ca_channelsforfreeagents', queue_id: 'ca_qu_id', condition_id: 'ca_co_id' },
};

export const campaignNumberSchema: ObjectSchema = {
  name: 'campaignnumber',
  title: 'campaign number',
  table: 'cn_campaignnumbers',
  idColumn: 'cn_id',
  tenantColumn: 'cn_te_id',
  labelColumn: 'cn_number',
  columns: {
    cn_ca_id: col.ref('campaign', { required: true }),
    cn_number: col.text(64, { required: true, pattern: { regex: /^\+?[0-9*#]{1,63}$/, describe: 'a phone number (digits, optional leading +)' } }),
    cn_disposition: col.text(32),
    cn_attempts: col.int({ fallback: 0 }),
    cn_lastattempt: col.datetime(),
    cn_description: col.text(1024),
    cn_billsec: col.int(),
    ...texts(Array.from({ length: 10 }, (_, i) => `cn_field${i + 1}`), 1024),
  },
  aliases: { campaign_id: 'cn_ca_id', caid: 'cn_ca_id', number: 'cn_number', description: 'cn_description', disposition: 'cn_disposition' },
};
