// queue (table qu_queues, spec §3.4.4): a call queue of one tenant. MiRTA's qu_ columns in their
// DB order, then the Asterisk realtime `queues` fields clients send flat ("strategy", "timeout", §3.2),
// kept as qu_<field> columns with the realtime name as alias.
import { col, texts, type ColumnSpec, type ObjectSchema } from './object-schema.ts';

/** Asterisk's strategies, in MiRTA's upper-case spelling (RINGALL, RRMEMORY, ...). */
export const QUEUE_STRATEGIES = ['RINGALL', 'LEASTRECENT', 'FEWESTCALLS', 'RANDOM', 'RRMEMORY', 'RRORDERED', 'LINEAR', 'WRANDOM'] as const;

const DIALABLE = { regex: /^[0-9*#+]{1,32}$/, describe: 'digits (and * # +), 1-32 long' };
const media = (): ColumnSpec => col.ref('mediafile');
const ints = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, col.int()]));

const mirtaColumns: Record<string, ColumnSpec> = {
  qu_name: col.text(255, { required: true }),
  qu_hosted: col.flag(),
  qu_alwaysrecord: col.flag(),
  qu_timeout: col.int(),
  qu_parameters: col.text(1024),
  qu_youarenext_me_id: media(),
  qu_thereare_me_id: media(),
  qu_callswaiting_me_id: media(),
  qu_thankyou_me_id: media(),
  qu_periodic_announce_me_id: media(),
  qu_nobodyhome: col.text(255),
  qu_ringinuse: col.flag(),
  qu_calltimeout: col.int(),
  qu_agent_announce_me_id: media(),
  qu_id_text: col.text(255),
  qu_number: col.text(32, { pattern: DIALABLE }),
  qu_callbackabandoned: col.flag(),
  qu_callbackwhenfree: col.flag(),
  qu_callbackabandonedstart: col.int(),
  ...texts(['qu_callbackcalleridnum', 'qu_callbackcalleridname']),
  qu_callbackmaxattempts: col.int(),
  qu_nofreemember: col.text(255),
  qu_ivr_id: col.ref('ivr'),
  qu_agent_ag_id: col.int(),
  qu_notifyabandoned: col.flag(),
  qu_notifyabandonedemail: col.text(1024),
  qu_notifyabandonedstart: col.int(),
  qu_holdtime_me_id: media(),
  qu_callback: col.flag(),
  qu_agent_confirmmessage_me_id: media(),
  qu_agentname: col.text(255),
  qu_allowoptimization: col.flag(),
  qu_spygroups: col.text(255),
  ...texts(['qu_api_type', 'qu_api_url', 'qu_api_username']),
  qu_usequeuerules: col.flag(),
  ...ints(['qu_minpenalty', 'qu_maxpenalty', 'qu_raisepenalty']),
  qu_callbackhours: col.text(255),
  qu_notifyabandonedurl: col.text(1024),
  qu_onautopause: col.text(255),
  qu_emailrecording: col.text(1024),
  ...ints(['qu_minemailrecording', 'qu_callbackdelay']),
  qu_notifyabandonedsmsnumbers: col.text(1024),
  qu_notifyabandonedsmstext: col.text(1024),
  qu_notifyabandonedsmssender: col.text(64),
  qu_callbackconfirm: col.flag(),
  qu_callbackconfirmmessage_me_id: media(),
  qu_callbackagentfirst: col.flag(),
  qu_numcallers: col.flag(),
  qu_progress: col.flag(),
  qu_ringoffline: col.flag(),
  qu_callbackexpiration: col.int(),
  qu_pauseonend: col.int(),
  qu_agent_end_ag_id: col.int(),
  qu_callbackfirstdelay: col.int(),
  qu_api_enabled: col.flag(),
  qu_api_lastmessage: col.datetime({ readOnly: true }),
  qu_allowredirect: col.flag(),
  qu_logagentstatus: col.flag(),
  qu_notifytimeoutemail: col.text(1024),
};

// The realtime `queues` fields a client may set (§3.4.4). Left out: `name` and `context` (the PBX
// derives them), the prompt file names (the qu_*_me_id columns choose them) and `ringinuse`,
// which is MiRTA's qu_ringinuse.
const REALTIME_TEXT = ['musiconhold', 'announce', 'monitor_format', 'joinempty', 'leavewhenempty', 'periodic_announce', 'defaultrule', 'announce_position'];
const REALTIME_YESNO = [
  'monitor_join', 'announce_holdtime', 'eventmemberstatus', 'eventwhencalled', 'reportholdtime', 'timeoutrestart', 'setinterfacevar',
  'setqueueentryvar', 'setqueuevar', 'autofill', 'relative_periodic_announce', 'autopausebusy', 'autopauseunavail', 'log_restricted_caller_id', 'announce_to_first_user',
];
const REALTIME_INT = [
  'announce_frequency', 'announce_round_seconds', 'retry', 'wrapuptime', 'maxlen', 'servicelevel', 'memberdelay', 'weight',
  'periodic_announce_frequency', 'announce_position_limit', 'penaltymemberslimit', 'autopausedelay', 'min_announce_frequency', 'periodic_announce_startdelay',
];

const realtimeColumns: Record<string, ColumnSpec> = {
  qu_strategy: col.oneOf(QUEUE_STRATEGIES, 'RINGALL'),
  // Realtime `timeout` (how long one member rings) is not qu_timeout (how long a caller may wait).
  qu_membertimeout: col.int({ fallback: 15 }),
  ...Object.fromEntries(REALTIME_TEXT.map((n) => [`qu_${n}`, col.text(255)])),
  ...Object.fromEntries(REALTIME_YESNO.map((n) => [`qu_${n}`, col.yesno()])),
  ...Object.fromEntries(REALTIME_INT.map((n) => [`qu_${n}`, col.int()])),
  qu_autopause: col.oneOf(['', 'yes', 'no', 'all'], ''),
};

const realtimeAliases: Record<string, string> = Object.fromEntries(
  Object.keys(realtimeColumns)
    .filter((c) => c !== 'qu_membertimeout')
    .map((c) => [c.slice(3), c]),
);

export const queueSchema: ObjectSchema = {
  name: 'queue',
  title: 'queue',
  table: 'qu_queues',
  idColumn: 'qu_id',
  tenantColumn: 'qu_te_id',
  labelColumn: 'qu_name',
  columns: { ...mirtaColumns, ...realtimeColumns },
  aliases: { name: 'qu_name', number: 'qu_number', ...realtimeAliases, timeout: 'qu_membertimeout', ringinuse: 'qu_ringinuse' },
};
