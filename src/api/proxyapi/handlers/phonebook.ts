// PHONEBOOKS (spec §2.10): the tenant's phonebooks; PHONEBOOK (§2.11): query, add, delete,
// cleanall and getall the records of one phonebook, named by `phonebook`.
import type { PhonebookEntry } from '../../../domain/index.ts';
import { PbxError } from '../../../shared/index.ts';
import { tenantOf, type RequestContext } from '../handler.ts';
import type { Reply } from '../reply.ts';
import { actionHandler } from './action-table.ts';

const bookOf = (ctx: RequestContext) => ctx.params.require('phonebook');

/** Records as rows: `peid`, then the items any record has, in the items' fixed order. */
async function entryTable(ctx: RequestContext, entries: readonly PhonebookEntry[]): Promise<Reply> {
  const present = new Set(entries.flatMap((e) => Object.keys(e.values)));
  const codes = (await ctx.services.phonebooks.codes()).filter((code) => present.has(code));
  const rows = entries.map((e) => ({ peid: String(e.pe_id), ...e.values }));
  return { kind: 'table', columns: ['peid', ...codes], rows, header: true, formats: ['plain', 'json'] };
}

/** `values` (MiRTA's PHP examples) or `jsondata` (the manual): one record or an array of records. */
function payloadOf(ctx: RequestContext): { payload: unknown; source: string } {
  const source = ctx.params.get('values') !== undefined ? 'values' : ctx.params.get('jsondata') !== undefined ? 'jsondata' : undefined;
  if (source === undefined) throw new PbxError('missing_parameter', 'No values specified');
  return { payload: ctx.params.requireJson(source), source };
}

export const phonebooks = actionHandler({
  reqtype: 'PHONEBOOKS',
  syntax: 'Phonebooks of the tenant, with their number of entries.\n  tenant, subreqtype=list (default)',
  discriminator: 'subreqtype',
  fallback: 'list',
  tenant: 'required',
  adminOnly: false,
  operations: {
    list: {
      writes: false,
      async handle(ctx) {
        const books = await ctx.services.phonebooks.list(tenantOf(ctx).te_id);
        const rows = books.map((b) => ({ pb_id: String(b.pb_id), pb_name: b.pb_name, entries: String(b.entries) }));
        return { kind: 'table', columns: ['pb_id', 'pb_name', 'entries'], rows, header: true, formats: ['plain', 'json'] };
      },
    },
  },
});

export const phonebook = actionHandler({
  reqtype: 'PHONEBOOK',
  syntax:
    'Records of one phonebook.\n  tenant, phonebook (name, case-insensitive), subreqtype=query|add|delete|cleanall|getall\n' +
    '  query: field (item code such as NAME or PHONE1; any item when omitted), value (% = wildcard, case-insensitive)\n' +
    '  add: values (POST; JSON object {"NAME":"Ross","PHONE1":"3564732920"} or an array of them; jsondata also accepted;\n' +
    '       creates the phonebook when it does not exist) -> OK|<peid>|...\n' +
    '  delete: peid; cleanall: deletes every record -> OK|<count>|',
  discriminator: 'subreqtype',
  tenant: 'required',
  adminOnly: false,
  operations: {
    query: {
      writes: false,
      async handle(ctx) {
        const value = ctx.params.get('value');
        if (value === undefined || value === '') throw new PbxError('missing_parameter', 'No value specified');
        return entryTable(ctx, await ctx.services.phonebooks.query(tenantOf(ctx).te_id, bookOf(ctx), ctx.params.get('field'), value));
      },
    },
    getall: {
      writes: false,
      handle: async (ctx) => entryTable(ctx, await ctx.services.phonebooks.entries(tenantOf(ctx).te_id, bookOf(ctx))),
    },
    add: {
      writes: true,
      async handle(ctx) {
        const name = bookOf(ctx);
        const { payload, source } = payloadOf(ctx);
        const ids = (await ctx.services.phonebooks.add(tenantOf(ctx).te_id, name, payload, source)).map(String);
        return { kind: 'value', plain: `OK|${ids.map((id) => `${id}|`).join('')}`, json: { result: 'OK', added: ids.length, peids: ids } };
      },
    },
    delete: {
      writes: true,
      async handle(ctx) {
        const id = ctx.params.requireId('peid');
        await ctx.services.phonebooks.delete(tenantOf(ctx).te_id, bookOf(ctx), id);
        return { kind: 'value', plain: 'OK', json: { result: 'OK', deleted: String(id) } };
      },
    },
    cleanall: {
      writes: true,
      async handle(ctx) {
        const count = await ctx.services.phonebooks.clear(tenantOf(ctx).te_id, bookOf(ctx));
        return { kind: 'value', plain: `OK|${count}|`, json: { result: 'OK', deleted: count } };
      },
    },
  },
});
