// The reports and actions of openapi.php that Callgrid can answer (spec §5.3, §5.4): /cdrs and
// /simplecdrs (CdrService, the same rows as INFO cdrs/simplecdrs), /auth/token (AuthTokenService)
// and /extensions/state (PeerService's registrations; calls come later, so live fields are empty).
import { z } from 'zod';
import { CDR_COLUMNS } from '../../domain/index.ts';
import type { CdrFilterText, CdrScope, SimpleCdrFilterText } from '../../services/index.ts';
import { PbxError } from '../../shared/index.ts';
import type { JsonAnswer } from './object-handlers.ts';
import type { EntityCall } from './service-entity.ts';

export interface ActionCall extends EntityCall {
  readonly method: string;
  /** Path segments after the resource (`/cdrs/{id}` -> [id]). */
  readonly rest: readonly string[];
  /** The JSON object of the body; `{}` when the body is empty and `optional` is set. */
  body(optional?: boolean): Promise<Record<string, unknown>>;
}

export interface QueryParameter {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
}

/** One method of an action as the OpenAPI document shows it. */
export interface ActionOperation {
  readonly summary: string;
  readonly parameters?: readonly QueryParameter[];
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  /** The error codes this operation answers besides the key and tenant ones. */
  readonly errors: readonly string[];
}

export interface Action {
  /** Lower-case method -> its description; the router allows the resource's methods. */
  readonly operations: Readonly<Record<string, ActionOperation>>;
  /** `/{id}` is also served (it maps to the `id` filter). */
  readonly member?: boolean;
  handle(call: ActionCall): Promise<JsonAnswer>;
}

const cell = z.union([z.string(), z.null()]);
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** tenant=% (or a pattern) with the admin key; the admin without tenant reads every tenant, as for objects (§5.2). */
async function cdrScope(call: EntityCall): Promise<CdrScope> {
  const pattern = call.caller.tenantPattern;
  if (pattern === '%') return 'all';
  if (pattern !== undefined) return { tenantIds: (await call.services.cdrs.tenantsMatching(pattern)).map((t) => t.te_id) };
  return call.scope === null ? 'all' : { tenantIds: [call.scope] };
}

/** The report filters present in the query; `/{id}` is the `id` filter (§5.4). */
function filtersOf<K extends string>(call: ActionCall, names: readonly K[]): Partial<Record<K, string>> {
  if (call.rest.length > 1) throw new PbxError('unknown_path', `Not found: /${call.rest.join('/')}.`);
  const format = call.query.get('format');
  // Template and XML output need one tenant's template language: proxyapi.php INFO cdrs serves them.
  if ((format !== null && format.toLowerCase() !== 'json') || call.query.has('template')) {
    throw new PbxError('unsupported_format', `Invalid format ${format ?? 'template'}: openapi.php answers JSON here; XML templates are served by proxyapi.php INFO cdrs format=xml.`);
  }
  const out: Partial<Record<K, string>> = {};
  for (const name of names) {
    const value = call.query.get(name);
    if (value !== null && value.trim() !== '') out[name] = value;
  }
  const [id] = call.rest;
  if (id !== undefined) out['id' as K] = id;
  return out;
}

const CDR_FILTERS = ['start', 'end', 'id', 'uniqueid', 'linkedid', 'src', 'firstdst', 'direction', 'disposition', 'phone'] as const;
const SIMPLE_FILTERS = ['start', 'end', 'id', 'uniqueid', 'calleridnum', 'calleridname', 'dialednum', 'disposition', 'direction', 'whoanswered', 'phone', 'minduration', 'mintalktime'] as const;

const WINDOW = 'YYYY-MM-DD[ HH:MM[:SS]] UTC; without start and end: today, unless id/uniqueid/linkedid is given';
const param = (name: string, description: string): QueryParameter => ({ name, description });
const COMMON = [param('start', WINDOW), param('end', `${WINDOW}; a date-only end covers its day`), param('id', 'comma list of ids'), param('uniqueid', 'comma list')];
const CHOICES = [param('direction', 'IN, OUT, LOCAL (comma list)'), param('disposition', 'ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION (comma list)'), param('format', 'json only')];

export const cdrRowSchema = z.strictObject(Object.fromEntries(CDR_COLUMNS.map((c) => [c, cell])));

export const cdrReport: Action = {
  member: true,
  operations: {
    get: {
      summary: 'Call detail records: the 30 columns of INFO cdrs, every value a string.',
      parameters: [...COMMON, param('linkedid', 'comma list'), param('src', 'comma list'), param('firstdst', 'comma list'), param('phone', 'src, dst, realsrc, firstdst, lastdst or wherelanded'), ...CHOICES],
      response: z.array(cdrRowSchema),
      errors: ['invalid_field', 'invalid_format'],
    },
  },
  async handle(call) {
    const filters: CdrFilterText = filtersOf(call, CDR_FILTERS);
    // CdrService's refusals name the parameter: invalid_parameter, which openapi.php answers as invalid_field.
    const rows = await call.services.cdrs.cdrs(await cdrScope(call), filters);
    return { status: 200, json: rows.map((row) => Object.fromEntries(CDR_COLUMNS.map((c) => [c, text(row[c])]))) };
  },
};

// §5.4's field list, in its order (INFO simplecdrs has no sc_billsec), plus `id` as §5.5 adds to rows.
const SIMPLE_FIELDS = ['sc_te_id', 'tenantcode', 'sc_start', 'sc_direction', 'sc_calleridnum', 'sc_calleridname', 'sc_dialednum', 'sc_disposition', 'sc_duration', 'sc_billsec', 'sc_uniqueid', 'sc_whoanswered'] as const;
export const simpleCdrRowSchema = z.strictObject({ ...Object.fromEntries(SIMPLE_FIELDS.map((c) => [c, cell])), id: z.number().int().describe('the simple CDR id (the id filter)') });

export const simpleCdrReport: Action = {
  member: true,
  operations: {
    get: {
      summary: 'Simplified call history: the fields of §5.4 as strings, and id.',
      parameters: [
        ...COMMON, param('calleridnum', 'comma list'), param('calleridname', 'comma list'), param('dialednum', 'comma list'), param('whoanswered', 'comma list'),
        param('phone', 'who answered, caller id number or dialled number'), param('minduration', 'seconds, exclusive'), param('mintalktime', 'seconds, exclusive'), ...CHOICES,
      ],
      response: z.array(simpleCdrRowSchema),
      errors: ['invalid_field', 'invalid_format'],
    },
  },
  async handle(call) {
    const filters: SimpleCdrFilterText = filtersOf(call, SIMPLE_FILTERS);
    const rows = await call.services.cdrs.simpleCdrs(await cdrScope(call), filters);
    return { status: 200, json: rows.map((row) => ({ ...Object.fromEntries(SIMPLE_FIELDS.map((c) => [c, text(row[c])])), id: row.sc_id })) };
  },
};
