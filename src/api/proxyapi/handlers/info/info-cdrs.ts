// INFO cdrs and simplecdrs (spec §2.12): call records of one tenant, or of every tenant matching
// `tenant=%` with the admin key; json, plain, csv (30-column header) and, for cdrs, XML templates.
import { CDR_COLUMNS, SIMPLE_CDR_COLUMNS, cdrDirection, type CdrRecord, type SimpleCdrRecord } from '../../../../domain/index.ts';
import { PbxError } from '../../../../shared/index.ts';
import type { CdrFilterText, CdrScope, SimpleCdrFilterText } from '../../../../services/index.ts';
import { csvTable, plainTable, renderTemplate } from '../../format.ts';
import type { RequestContext } from '../../handler.ts';
import type { Params } from '../../params.ts';
import type { Reply } from '../../reply.ts';
import type { InfoType } from './info-type.ts';
import { withPositions } from './positional-row.ts';

type Cell = string | null;

const CDR_FILTERS = ['start', 'end', 'id', 'uniqueid', 'linkedid', 'src', 'firstdst', 'direction', 'disposition', 'phone'] as const;
const SIMPLE_FILTERS = ['start', 'end', 'id', 'uniqueid', 'calleridnum', 'calleridname', 'dialednum', 'disposition', 'direction', 'whoanswered', 'phone'] as const;

function filters<K extends string>(params: Params, names: readonly K[]): Partial<Record<K, string>> {
  const text: Partial<Record<K, string>> = {};
  for (const name of names) {
    const value = params.get(name);
    if (value !== undefined && value.trim() !== '') text[name] = value;
  }
  return text;
}

/** One tenant, or the tenants matching the admin's `%` pattern. */
async function scopeOf(ctx: RequestContext): Promise<CdrScope> {
  const pattern = ctx.caller.tenantPattern;
  if (pattern === '%') return 'all';
  if (pattern !== undefined) return { tenantIds: (await ctx.services.cdrs.tenantsMatching(pattern)).map((t) => t.te_id) };
  if (!ctx.caller.tenant) throw new PbxError('missing_parameter', 'No tenant specified (the admin key may use tenant=% for every tenant)');
  return { tenantIds: [ctx.caller.tenant.te_id] };
}

// MiRTA's raw rows: every value a string (null stays null).
const cells = <T extends object>(row: T, columns: readonly (keyof T & string)[]): Record<string, Cell> =>
  Object.fromEntries(columns.map((c) => [c, row[c] === null || row[c] === undefined ? null : String(row[c])]));

// No rows answers 0 bytes in plain, csv and xml as MiRTA does (spec §2.12 cdrs, §1.4), not a header alone: clients
// test the body for a separator to decide whether there is data. json stays `[]` (docs/compatibility.md).
const table = (columns: readonly string[], rows: Array<Record<string, Cell>>): Reply => ({ kind: 'table', columns, rows, header: rows.length > 0, formats: ['plain', 'json', 'csv'] });

export const infoCdrs: InfoType = {
  syntax:
    'call detail records: start, end (YYYY-MM-DD[ HH:MM:SS]; default today), id, uniqueid, linkedid, src, firstdst,\n' +
    '      direction (IN,OUT,LOCAL), disposition, phone (caller, dialled or answering number); comma lists;\n' +
    '      format=csv|xml, template (with xml); tenant=% (all tenants) with the admin key',
  tenant: 'optional',
  formats: ['plain', 'json', 'csv', 'xml'],
  async handle(ctx) {
    const scope = await scopeOf(ctx);
    const text: CdrFilterText = filters(ctx.params, CDR_FILTERS);
    if (ctx.format !== 'xml') {
      const rows = await ctx.services.cdrs.cdrs(scope, text);
      return table(CDR_COLUMNS, rows.map((row) => cells(row, CDR_COLUMNS)));
    }
    // A template belongs to one tenant, so its output cannot span several.
    const tenant = ctx.caller.tenant;
    if (!tenant) throw new PbxError('invalid_parameter', 'format=xml needs a single tenant: XML templates belong to one tenant');
    const template = await ctx.services.cdrs.template(tenant.te_id, ctx.params.require('template'));
    const rows = await ctx.services.cdrs.cdrs(scope, text);
    const xml = rows.length === 0 ? '' : renderTemplate(template, rows.map(templateRow));
    return { kind: 'value', plain: xml, json: xml, xml };
  },
};

/** The 30 columns plus what templates may also name: `{$te_id}` and the computed `{$direction}`. */
function templateRow(row: CdrRecord): Record<string, Cell> {
  return { ...cells(row, CDR_COLUMNS), te_id: String(row.te_id), direction: cdrDirection(row.userfield) };
}

export const infoSimpleCdrs: InfoType = {
  syntax:
    'simple call history: start, end (default today), id, uniqueid, calleridnum, calleridname, dialednum, disposition,\n' +
    '      direction (IN,OUT,LOCAL), whoanswered, phone; comma lists; format=csv; tenant=% with the admin key',
  tenant: 'optional',
  formats: ['plain', 'json', 'csv'],
  async handle(ctx) {
    const scope = await scopeOf(ctx);
    const text: SimpleCdrFilterText = filters(ctx.params, SIMPLE_FILTERS);
    const records: SimpleCdrRecord[] = await ctx.services.cdrs.simpleCdrs(scope, text);
    const rows = records.map((row) => cells(row, SIMPLE_CDR_COLUMNS));
    // json: the 11 fields also under "0".."10" as MiRTA sends them (spec §2.12 simplecdrs); plain and csv as cdrs.
    const positioned = withPositions(rows, SIMPLE_CDR_COLUMNS);
    const plain = plainTable(SIMPLE_CDR_COLUMNS, rows, rows.length > 0);
    return { kind: 'value', plain, csv: csvTable(SIMPLE_CDR_COLUMNS, rows), json: positioned.json, jsonText: positioned.jsonText };
  },
};
