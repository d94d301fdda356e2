// Call detail records as MiRTA reports them (spec §2.12 "CDR row fields", §4.4): the 30 CDR
// columns in their published order, the 11 simple-CDR fields, and the direction rule.

/** INFO cdrs json/csv column order (identical to OpenAPI /cdrs). */
export const CDR_COLUMNS = [
  'accountcode', 'ID', 'start', 'answer', 'end', 'clid', 'realsrc', 'firstdst', 'duration', 'billsec',
  'disposition', 'cc_cost', 'dcontext', 'dstchannel', 'userfield', 'uniqueid', 'prevuniqueid', 'lastdst',
  'wherelanded', 'src', 'dst', 'lastapp', 'srcCallID', 'linkedid', 'peeraccount', 'originateid',
  'cc_country', 'cc_network', 'pincode', 'cc_buy',
] as const;

export type CdrColumn = (typeof CDR_COLUMNS)[number];

/** A stored CDR: the 30 columns plus the owning tenant. Times are UTC `YYYY-MM-DD HH:MM:SS` text. */
export interface CdrRecord {
  te_id: number;
  accountcode: string;
  ID: number;
  start: string;
  answer: string | null;
  end: string | null;
  clid: string;
  realsrc: string;
  firstdst: string;
  duration: number;
  billsec: number;
  disposition: string;
  cc_cost: string;
  dcontext: string;
  dstchannel: string;
  userfield: string;
  uniqueid: string;
  prevuniqueid: string;
  lastdst: string;
  wherelanded: string;
  src: string;
  dst: string;
  lastapp: string;
  srcCallID: string;
  linkedid: string;
  peeraccount: string;
  originateid: string;
  cc_country: string;
  cc_network: string;
  pincode: string;
  cc_buy: string;
}

/** What a writer supplies: the id is assigned, the tenant code is the accountcode. */
export type NewCdr = Partial<Omit<CdrRecord, 'ID' | 'te_id' | 'start' | 'uniqueid'>> & Pick<CdrRecord, 'start' | 'uniqueid'>;

/** The simple-CDR fields of INFO simplecdrs (json keys and csv header), in order. */
export const SIMPLE_CDR_COLUMNS = [
  'sc_te_id', 'tenantcode', 'sc_start', 'sc_direction', 'sc_calleridnum', 'sc_calleridname',
  'sc_dialednum', 'sc_disposition', 'sc_duration', 'sc_uniqueid', 'sc_whoanswered',
] as const;

export type CallDirection = 'IN' | 'OUT' | 'LOCAL';
export const CALL_DIRECTIONS: readonly CallDirection[] = ['IN', 'OUT', 'LOCAL'];
export const CALL_DISPOSITIONS = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION'] as const;

export interface SimpleCdrRecord {
  sc_id: number;
  sc_te_id: number;
  tenantcode: string;
  sc_start: string;
  sc_direction: CallDirection;
  sc_calleridnum: string;
  sc_calleridname: string;
  sc_dialednum: string;
  sc_disposition: string;
  sc_duration: number;
  sc_billsec: number;
  sc_uniqueid: string;
  sc_whoanswered: string;
}

export type NewSimpleCdr = Partial<Omit<SimpleCdrRecord, 'sc_id' | 'sc_te_id' | 'tenantcode' | 'sc_start' | 'sc_uniqueid'>> &
  Pick<SimpleCdrRecord, 'sc_start' | 'sc_uniqueid'>;

/** MiRTA marks direction in the userfield: `[inbound]` / `[outbound]`; neither is an internal call. */
export const INBOUND_MARK = '[inbound]';
export const OUTBOUND_MARK = '[outbound]';

export function cdrDirection(userfield: string): CallDirection {
  if (userfield.includes(INBOUND_MARK)) return 'IN';
  if (userfield.includes(OUTBOUND_MARK)) return 'OUT';
  return 'LOCAL';
}

/** Filters of a CDR query; a list matches any of its values. Undefined = no condition. */
export interface CdrQuery {
  /** Tenants to search; undefined = every tenant (admin, `tenant=%`). */
  tenantIds?: readonly number[];
  from?: string;
  to?: string;
  ids?: readonly number[];
  uniqueids?: readonly string[];
  linkedids?: readonly string[];
  srcs?: readonly string[];
  firstdsts?: readonly string[];
  directions?: readonly CallDirection[];
  dispositions?: readonly string[];
  /** Matches src, dst, realsrc, firstdst, lastdst or wherelanded. */
  phones?: readonly string[];
}

export interface SimpleCdrQuery {
  tenantIds?: readonly number[];
  from?: string;
  to?: string;
  ids?: readonly number[];
  uniqueids?: readonly string[];
  calleridnums?: readonly string[];
  calleridnames?: readonly string[];
  dialednums?: readonly string[];
  dispositions?: readonly string[];
  directions?: readonly CallDirection[];
  whoanswered?: readonly string[];
  /** Matches sc_whoanswered, sc_calleridnum or sc_dialednum. */
  phones?: readonly string[];
}
