// voicemail (Asterisk realtime table `voicemail`, spec §3.4.20): a voice mailbox of one tenant. MiRTA keeps
// Asterisk's column names (no prefix): id `uniqueid`, tenant `te_id`, label `mailbox`, in the probe's order.
import { col, texts, type ColumnSpec, type ObjectSchema } from './object-schema.ts';

const MAILBOX = { regex: /^[0-9]{1,32}$/, describe: 'digits, 1-32 long' };
const yesno = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, col.yesno()]));
const ints = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, col.int()]));
const params = (from: number, to: number) => texts(Array.from({ length: to - from + 1 }, (_, i) => `onnewmessageparam${from + i}`), 1024);

const columns: Record<string, ColumnSpec> = {
  // The Asterisk voicemail context: the tenant code, set by the PBX so that mailboxes of two tenants never meet.
  context: col.text(80, { readOnly: true }),
  mailbox: col.text(32, { required: true, pattern: MAILBOX }),
  // Asterisk's voicemail PIN; write-only like every credential.
  password: col.text(32, { writeOnly: true, pattern: { regex: /^[0-9]{1,32}$/, describe: 'digits only, 1-32 long' } }),
  fullname: col.text(255),
  email: col.text(1024),
  pager: col.text(255),
  attach: col.yesno({ fallback: 'yes' }),
  attachfmt: col.text(16),
  serveremail: col.text(255),
  language: col.text(16),
  tz: col.text(64),
  tzbytenant: col.flag(),
  deletevoicemail: col.yesno(),
  ...yesno(['saycid', 'sendvoicemail', 'review', 'tempgreetwarn', 'operator', 'envelope', 'sayduration']),
  saydurationm: col.int(),
  ...yesno(['forcename', 'forcegreetings']),
  ...texts(['callback', 'dialout', 'exitcontext'], 80),
  maxmsg: col.int(),
  volgain: col.decimal(),
  imapuser: col.text(255),
  imappassword: col.text(255, { writeOnly: true }),
  stamp: col.datetime({ readOnly: true }),
  welcomeoption: col.text(255),
  category: col.text(255),
  fromstring: col.text(255),
  ...ints(['minsecs', 'maxsecs']),
  transcript_store: col.flag(),
  onnewmessage: col.text(255),
  ...params(1, 3),
  ivr_id: col.ref('ivr'),
  nextaftercmd: col.yesno(),
  ...params(4, 15),
  includeindbn: col.flag(),
  ...params(16, 30),
  transcript_generate: col.flag(),
  autodeleteolder: col.int(),
  voicemailbackup: col.flag(),
  summary_generate: col.flag(),
};

export const voicemailSchema: ObjectSchema = {
  name: 'voicemail',
  title: 'voicemail',
  table: 'voicemail',
  idColumn: 'uniqueid',
  tenantColumn: 'te_id',
  labelColumn: 'mailbox',
  columns,
  aliases: { number: 'mailbox', name: 'fullname' },
  uniqueInTenant: [['mailbox']],
};
