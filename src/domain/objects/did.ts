// did (table di_dids, spec §3.4.3): an inbound number of one tenant. The 50 MiRTA columns in their
// DB order; where it routes is its destination slots DID, DID-UNCONDITIONAL, DID-SMS, DID-FAXSUCCESS (§3.3).
import { didNumberKey } from '../did-number.ts';
import { col, texts, type ColumnSpec, type ObjectSchema } from './object-schema.ts';

// An E.164-ish number as providers deliver it: digits with an optional leading +, 1-32 long.
const DID_NUMBER = { regex: /^\+?[0-9]{1,32}$/, describe: 'digits with an optional leading +, 1-32 long' };
const flags = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, col.flag()]));

const columns: Record<string, ColumnSpec> = {
  di_country: col.text(8),
  di_area: col.text(16),
  di_number: col.text(33, { required: true, pattern: DID_NUMBER }),
  di_comment: col.text(255),
  // MiRTA stores 'yes' or '' here (§3.4.3).
  di_recording: col.yesno(),
  di_didprefix: col.text(64),
  di_fax: col.yesno(),
  ...texts(['di_faxstationid', 'di_faxheaderinfo', 'di_faxprotocol', 'di_fax_email', 'di_fax_store', 'di_didnameprefix']),
  di_unconditionalstatus: col.flag(),
  di_maxchannels: col.int(),
  di_cnam: col.text(255),
  di_allowemergency: col.flag(),
  di_emergencynotes: col.text(1024),
  di_ibid: col.int(),
  di_emailrecording: col.text(255),
  di_admincomment: col.text(1024),
  di_notifyunassigned: col.text(255),
  di_minemailrecording: col.int(),
  di_dp_id: col.int(),
  ...texts(['di_provider_info', 'di_provider_number', 'di_smsprotocol', 'di_smsfromfield', 'di_smstofield', 'di_smsbodyfield', 'di_sms_store', 'di_smsemail']),
  ...texts(['di_branch', 'di_department', 'di_storeandforwardnumber', 'di_notifymaxchannels']),
  di_faxprinturl: col.text(1024),
  di_smsanswer: col.text(1024),
  ...texts(['di_mmslinkfield', 'di_faxprinturlformat', 'di_mmslinkauthprovider']),
  di_transcript: col.flag(),
  di_sms_imsi: col.text(32),
  ...flags(['di_fullprivacy', 'di_aisummary', 'di_aisentiment']),
  di_extrafieldserver: col.text(255),
  di_fax_rp_id: col.ref('routingprofile'),
};

export const didSchema: ObjectSchema = {
  name: 'did',
  title: 'DID',
  table: 'di_dids',
  idColumn: 'di_id',
  tenantColumn: 'di_te_id',
  labelColumn: 'di_number',
  columns,
  aliases: { number: 'di_number', country: 'di_country', area: 'di_area', comment: 'di_comment' },
  // Exact duplicates in a tenant were refused from the start (index of 0002); since 0008 one number in any
  // spelling is held by one DID of one tenant: di_number_key (didNumberKey) has a unique index of its own.
  uniqueInTenant: [['di_number']],
  derived: { di_number_key: { from: 'di_number', derive: didNumberKey } },
};
