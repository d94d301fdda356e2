// A finished call -> its CDR rows (one per dialled leg, as Asterisk writes one per Dial) and its one simple-CDR
// row (spec §2.12 "CDR row fields", §4.4). Pure: no clock, no store.
import { INBOUND_MARK, OUTBOUND_MARK, type CallDirection, type NewCdr, type NewSimpleCdr } from '../../domain/index.ts';
import { formatDateTime } from '../../shared/index.ts';
import type { AttemptDisposition, CallAttempt, CallRecord } from './call-record.ts';

export type CdrRow = NewCdr & { accountcode: string };

export interface CdrRows {
  readonly cdrs: CdrRow[];
  readonly simple: NewSimpleCdr;
}

/**
 * Whole seconds, truncated, as Asterisk computes duration and billsec from millisecond times (cdr.conf
 * initiatedseconds=no). A clock step backwards gives 0, never a negative duration.
 */
export function wholeSeconds(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));
}

/** Asterisk's ast_callerid_merge: `"Name" <number>`, or whichever of the two is not empty. */
export function callerIdText(name: string, number: string): string {
  if (name !== '' && number !== '') return `"${name}" <${number}>`;
  return name !== '' ? name : number;
}

function directionMark(direction: CallDirection): string {
  return direction === 'IN' ? INBOUND_MARK : direction === 'OUT' ? OUTBOUND_MARK : '';
}

/**
 * The SIP answer of a refused leg, in the userfield after the direction marker (`[inbound][sip:404]`): the 30
 * columns have no hangup cause, and Asterisk sites keep ${HANGUPCAUSE} in the userfield. Bracketed like the
 * markers, so INFO cdrs' direction filter (a LIKE on the markers) and CDR UPDATE's appends are unaffected.
 */
export function sipMark(status: number | undefined): string {
  return status === undefined ? '' : `[sip:${status}]`;
}

/**
 * DIAL's variables as userfield marks, `[ACME-callid=453131]`, bracketed like the markers. Brackets and % in a
 * value are percent-encoded so a value can neither close its mark early nor forge a direction marker.
 */
export function variableMarks(variables: Readonly<Record<string, string>> | undefined): string {
  if (variables === undefined) return '';
  const escape = (text: string): string => text.replace(/[%[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.entries(variables).map(([name, value]) => `[${escape(name)}=${escape(value)}]`).join('');
}

// The column widths of migration 0004: PostgreSQL refuses a longer value, so text is cut to fit rather than
// losing the row (a caller name is the only field that plausibly runs long).
const clip = (text: string, width: number): string => (text.length > width ? text.slice(0, width) : text);
const NUM = 64;
const LONG = 255;

export function cdrRows(record: CallRecord): CdrRows {
  const { attempts } = record;
  const last = attempts[attempts.length - 1];
  const firstdst = clip(record.dialled, NUM);
  const lastdst = clip(last?.destination ?? record.dialled, NUM);
  const common = {
    accountcode: clip(record.tenantCode, 32),
    clid: clip(callerIdText(record.caller.name, record.caller.number), LONG),
    realsrc: clip(record.caller.extension !== '' ? record.caller.extension : record.caller.number, NUM),
    firstdst,
    lastdst,
    src: clip(record.caller.number, NUM),
    dcontext: clip(record.tenantCode, LONG),
    srcCallID: clip(record.sipCallId, LONG),
    linkedid: clip(record.linkedId, NUM),
    originateid: clip(record.originateId, NUM),
  };

  // The direction marker first (INFO cdrs filters on it), then why a node ended the record, if it did.
  const marker = directionMark(record.direction) + (record.endedBy === undefined ? '' : `[${record.endedBy}]`);
  // DIAL's variables come last: the userfield is 255 wide, and the markers and SIP answer must survive the cut.
  const variables = variableMarks(record.variables);
  const userfield = (mark: string): string => clip(mark + variables, LONG);
  const cdrs: CdrRow[] = attempts.map((attempt, index) => {
    const answer = attempt.disposition === 'ANSWERED' ? attempt.answeredAt : undefined;
    return {
      ...common,
      userfield: userfield(marker + sipMark(answer === undefined ? attempt.sipStatus : undefined)),
      start: formatDateTime(attempt.startedAt),
      answer: answer === undefined ? null : formatDateTime(answer),
      end: formatDateTime(attempt.endedAt),
      duration: wholeSeconds(attempt.startedAt, attempt.endedAt),
      billsec: answer === undefined ? 0 : wholeSeconds(answer, attempt.endedAt),
      disposition: attempt.disposition,
      dstchannel: clip(attempt.dstChannel, LONG),
      uniqueid: clip(attempt.uniqueId, NUM),
      prevuniqueid: clip(attempts[index - 1]?.uniqueId ?? '', NUM),
      wherelanded: clip(`${attempt.landed.kind}:${attempt.landed.label}`, NUM),
      dst: clip(attempt.destination, NUM),
      lastapp: clip(attempt.app ?? 'Dial', NUM),
      peeraccount: clip(attempt.peerAccount, NUM),
    };
  });

  // A call placed nowhere (unknown number, no route, refused at a limit) still leaves one row, as Asterisk does for
  // a channel that never dialled: the caller's leg, landed nowhere, FAILED unless the refusal says otherwise.
  const { refusal } = record;
  if (cdrs.length === 0) {
    cdrs.push({
      ...common,
      userfield: userfield(marker + sipMark(refusal?.sipStatus)),
      start: formatDateTime(record.startedAt),
      answer: null,
      end: formatDateTime(record.endedAt),
      duration: wholeSeconds(record.startedAt, record.endedAt),
      billsec: 0,
      disposition: refusal?.disposition ?? 'FAILED',
      dstchannel: '',
      uniqueid: clip(record.linkedId, NUM),
      prevuniqueid: '',
      wherelanded: '',
      dst: firstdst,
      lastapp: refusal?.app ?? 'Hangup',
      peeraccount: '',
    });
  }

  const answered = attempts.filter((a): a is CallAttempt & { disposition: 'ANSWERED' } => a.disposition === 'ANSWERED');
  const lastAnswered = answered[answered.length - 1];
  const disposition: AttemptDisposition = lastAnswered ? 'ANSWERED' : (last?.disposition ?? refusal?.disposition ?? 'FAILED');
  const simple: NewSimpleCdr = {
    sc_start: formatDateTime(record.startedAt),
    sc_direction: record.direction,
    sc_calleridnum: clip(record.caller.number, NUM),
    sc_calleridname: clip(record.caller.name, LONG),
    sc_dialednum: firstdst,
    sc_disposition: disposition,
    sc_duration: wholeSeconds(record.startedAt, record.endedAt),
    sc_billsec: cdrs.reduce((sum, row) => sum + (row.billsec ?? 0), 0),
    sc_uniqueid: clip(record.linkedId, NUM),
    sc_whoanswered: clip(lastAnswered?.destination ?? '', NUM),
  };
  return { cdrs, simple };
}
