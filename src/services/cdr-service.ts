// Call detail records: recording them (calls, tests), the filtered reports of INFO cdrs and
// simplecdrs, CDR field get/append (spec §2.35), and the tenants' XML templates.
import {
  CALL_DIRECTIONS, CALL_DISPOSITIONS, CDR_COLUMNS,
  type CallDirection, type CdrQuery, type CdrRecord, type NewCdr, type NewSimpleCdr, type SimpleCdrQuery, type SimpleCdrRecord, type Tenant,
} from '../domain/index.ts';
import { PbxError, type Clock } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import { parseDateWindow, type DateWindow } from './date-window.ts';

/** The text filters of a report as given; each may be a comma list. */
export type CdrFilterText = Readonly<Partial<Record<'start' | 'end' | 'id' | 'uniqueid' | 'linkedid' | 'src' | 'firstdst' | 'direction' | 'disposition' | 'phone', string>>>;
export type SimpleCdrFilterText = Readonly<
  Partial<
    Record<'start' | 'end' | 'id' | 'uniqueid' | 'calleridnum' | 'calleridname' | 'dialednum' | 'disposition' | 'direction' | 'whoanswered' | 'phone' | 'minduration' | 'mintalktime', string>
  >
>;

/** Which tenants a report covers: listed ones, or every tenant (admin `tenant=%`). */
export type CdrScope = { readonly tenantIds: readonly number[] } | 'all';

const MAX_LIST = 1000;
export const MAX_USERFIELD = 4096;
const MAX_TEMPLATE = 65_536;
const TEMPLATE_NAME = /^[^\u0000-\u001f]{1,128}$/;

/** A comma list (`103,104`): trimmed, empties dropped, bounded. */
function list(parameter: string, text: string | undefined): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const values = text.split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (values.length > MAX_LIST) throw new PbxError('invalid_parameter', `Invalid ${parameter}: at most ${MAX_LIST} values`);
  return values;
}

function ids(parameter: string, text: string | undefined): number[] | undefined {
  return list(parameter, text)?.map((v) => {
    if (!/^\d{1,10}$/.test(v) || Number(v) < 1 || Number(v) > 2_147_483_647) throw new PbxError('invalid_parameter', `Invalid ${parameter} '${v}': expected a positive whole number`);
    return Number(v);
  });
}

function seconds(parameter: string, text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^\d{1,9}$/.test(text.trim())) throw new PbxError('invalid_parameter', `Invalid ${parameter} '${text}': expected whole seconds`);
  return Number(text.trim());
}

function directions(text: string | undefined): CallDirection[] | undefined {
  return list('direction', text)?.map((v) => {
    const upper = v.toUpperCase();
    if (!(CALL_DIRECTIONS as readonly string[]).includes(upper)) throw new PbxError('invalid_parameter', `Invalid direction '${v}': expected ${CALL_DIRECTIONS.join(', ')} (comma separated)`);
    return upper as CallDirection;
  });
}

function dispositions(text: string | undefined): string[] | undefined {
  return list('disposition', text)?.map((v) => {
    const upper = v.toUpperCase();
    if (!(CALL_DISPOSITIONS as readonly string[]).includes(upper)) throw new PbxError('invalid_parameter', `Invalid disposition '${v}': expected ${CALL_DISPOSITIONS.join(', ')} (comma separated)`);
    return upper;
  });
}

/**
 * Whether `text` matches a `%` wildcard pattern, ignoring case, without a regex: the pieces between the `%`s
 * are found left to right, each at its earliest place, which is enough for a match and never backtracks
 * (a RegExp of `.*`s backtracks polynomially in the number of `%`s).
 */
export function wildcardMatches(pattern: string, text: string): boolean {
  const pieces = pattern.toLowerCase().split('%');
  const subject = text.toLowerCase();
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return subject === first;
  const last = pieces[pieces.length - 1] ?? '';
  if (first.length + last.length > subject.length || !subject.startsWith(first) || !subject.endsWith(last)) return false;
  let at = first.length;
  const end = subject.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = subject.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

export class CdrService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Stores a CDR of the tenant; its accountcode is the tenant code, as in MiRTA. */
  record(tenant: Tenant, cdr: NewCdr): Promise<CdrRecord> {
    return this.store.cdrs.insert(tenant.te_id, { ...cdr, accountcode: tenant.te_code });
  }

  recordSimple(tenantId: number, row: NewSimpleCdr): Promise<SimpleCdrRecord> {
    return this.store.cdrs.insertSimple(tenantId, row);
  }

  /** Tenants whose code matches a `%` pattern (case-insensitive, `%` = any run of characters). */
  async tenantsMatching(pattern: string): Promise<Tenant[]> {
    return (await this.store.tenants.list()).filter((t) => wildcardMatches(pattern, t.te_code));
  }

  async cdrs(scope: CdrScope, text: CdrFilterText): Promise<CdrRecord[]> {
    const query: CdrQuery = {
      ...this.window(text, text.id ?? text.uniqueid ?? text.linkedid),
      ...(scope === 'all' ? {} : { tenantIds: scope.tenantIds }),
      ids: ids('id', text.id),
      uniqueids: list('uniqueid', text.uniqueid),
      linkedids: list('linkedid', text.linkedid),
      srcs: list('src', text.src),
      firstdsts: list('firstdst', text.firstdst),
      directions: directions(text.direction),
      dispositions: dispositions(text.disposition),
      phones: list('phone', text.phone),
    };
    return this.store.cdrs.list(query);
  }

  async simpleCdrs(scope: CdrScope, text: SimpleCdrFilterText): Promise<SimpleCdrRecord[]> {
    const query: SimpleCdrQuery = {
      ...this.window(text, text.id ?? text.uniqueid),
      ...(scope === 'all' ? {} : { tenantIds: scope.tenantIds }),
      ids: ids('id', text.id),
      uniqueids: list('uniqueid', text.uniqueid),
      calleridnums: list('calleridnum', text.calleridnum),
      calleridnames: list('calleridname', text.calleridname),
      dialednums: list('dialednum', text.dialednum),
      dispositions: dispositions(text.disposition),
      directions: directions(text.direction),
      whoanswered: list('whoanswered', text.whoanswered),
      phones: list('phone', text.phone),
    };
    const rows = await this.store.cdrs.listSimple(query);
    // OpenAPI's minimums are exclusive (spec §5.4): minduration=0 drops the calls that lasted 0 seconds.
    const minDuration = seconds('minduration', text.minduration);
    const minTalk = seconds('mintalktime', text.mintalktime);
    if (minDuration === undefined && minTalk === undefined) return rows;
    return rows.filter((r) => (minDuration === undefined || r.sc_duration > minDuration) && (minTalk === undefined || r.sc_billsec > minTalk));
  }

  /**
   * The date range: `start`/`end` as given (a date-only end covers its day); neither given means
   * today (UTC), as MiRTA's OpenAPI does, unless the request names calls by id, which finds them on any day.
   */
  private window(text: { start?: string; end?: string }, byId: string | undefined): DateWindow {
    return parseDateWindow(text, this.clock, byId !== undefined && byId.trim() !== '' ? 'open' : 'today');
  }

  /** CDR get: one column of the CDR with this uniqueid. */
  async getField(tenantId: number, uniqueid: string, field: string): Promise<string> {
    const column = cdrColumn(field);
    const value = await this.store.cdrs.getField(tenantId, uniqueid, column);
    if (value === undefined) throw new PbxError('not_found', `CDR ${uniqueid} not found`);
    return value === null ? '' : String(value);
  }

  /** CDR update: appends `text` to the userfield (the only column an integration may change); returns the new value. */
  async appendField(tenantId: number, uniqueid: string, field: string, text: string): Promise<string> {
    if (cdrColumn(field) !== 'userfield') throw new PbxError('invalid_parameter', `Invalid field '${field}': only userfield can be updated`);
    const current = await this.getField(tenantId, uniqueid, 'userfield');
    if (current.length + text.length > MAX_USERFIELD) throw new PbxError('invalid_parameter', `Invalid value: the userfield would exceed ${MAX_USERFIELD} characters`);
    await this.store.cdrs.appendUserfield(tenantId, uniqueid, text);
    return this.getField(tenantId, uniqueid, 'userfield');
  }

  async template(tenantId: number, name: string): Promise<string> {
    const template = await this.store.xmlTemplates.get(tenantId, name);
    if (template === undefined) throw new PbxError('not_found', `XML template '${name}' not found`);
    return template;
  }

  listTemplates(tenantId: number): Promise<string[]> {
    return this.store.xmlTemplates.list(tenantId);
  }

  async putTemplate(tenantId: number, name: string, template: string): Promise<void> {
    if (!TEMPLATE_NAME.test(name)) throw new PbxError('invalid_parameter', `Invalid template name '${name.slice(0, 40)}': 1-128 characters, no control characters`);
    if (template.length > MAX_TEMPLATE) throw new PbxError('invalid_parameter', `Invalid template: at most ${MAX_TEMPLATE} characters`);
    await this.store.xmlTemplates.put(tenantId, name, template);
  }

  async deleteTemplate(tenantId: number, name: string): Promise<void> {
    if (!(await this.store.xmlTemplates.delete(tenantId, name))) throw new PbxError('not_found', `XML template '${name}' not found`);
  }
}

/** A CDR column by name, case-insensitively (`ID`, `srcCallID`). */
function cdrColumn(field: string): string {
  const column = CDR_COLUMNS.find((c) => c.toLowerCase() === field.trim().toLowerCase());
  if (!column) throw new PbxError('invalid_parameter', `Invalid field '${field}': expected a CDR column such as userfield`);
  return column;
}

