// /settings, /phonebooks and /phonebookentries of openapi.php (spec §5.3, rows of §3.4.24, the entry
// shape of §5.5): per-tenant rows kept by SettingService and PhonebookService, which judge every write.
import { z } from 'zod';
import { PHONEBOOK_FIELDS, SETTING_FIELDS } from '../../services/index.ts';
import type { Phonebook } from '../../domain/index.ts';
import { PbxError } from '../../shared/index.ts';
import { readBody, textRow, textRowSchema, withObject, type Entity, type EntityCall, type WriteSpec } from './service-entity.ts';

/** Writes name their tenant (checked by entityRequest); this only narrows the type. */
const tenantOf = (tenantId: number | null): number => {
  if (tenantId === null) throw new PbxError('tenant_required', 'This write needs tenant=<tenant code>.');
  return tenantId;
};

/** A whole-number query filter (`phonebook_id=3`); anything else is refused rather than matching nothing. */
function idFilter(call: EntityCall, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = call.query.get(name);
    if (value === null) continue;
    if (!/^[1-9]\d{0,9}$/.test(value)) throw new PbxError('invalid_parameter', `Invalid filter ${name}=${value}: expected a positive whole number`);
    return Number(value);
  }
  return undefined;
}

// ---- settings ----

const SETTING_SHOWN = ['se_id', 'se_te_id', 'se_code', 'se_value'];
// §7.2: SETTING takes both `name` and `code` for the code; openapi.php accepts both too.
const settingCreate: WriteSpec = { what: 'setting', columns: SETTING_FIELDS, aliases: { code: 'se_code', name: 'se_code', value: 'se_value' }, required: ['se_code'] };
// A setting is its code: changing the code would be another setting (delete it and create that one).
const settingUpdate: WriteSpec = { ...settingCreate, required: [], createOnly: ['se_code'] };
const settingRowSchema = textRowSchema(SETTING_SHOWN, 'se_id', 'se_code');
const settingRow = (row: object) => textRow(row, SETTING_SHOWN, 'se_id', 'se_code');
const settingOne = (row: object) => ({ ...settingRow(row), object: 'setting', related: [] });

export const settingEntity: Entity = {
  title: 'Setting',
  perTenant: true,
  write: { create: settingCreate, update: settingUpdate },
  shown: { item: settingRowSchema, get: withObject(settingRowSchema, 'setting') },
  async list(call) {
    const code = (call.query.get('se_code') ?? call.query.get('code') ?? call.query.get('name'))?.toUpperCase();
    const rows = await call.services.settings.list(call.scope);
    return rows.filter((r) => code === undefined || r.se_code === code).map(settingRow);
  },
  get: async (call, id) => settingOne(await call.services.settings.row(call.scope, id)),
  async create(call, tenantId, body) {
    const { columns } = readBody(settingCreate, body, 'create');
    return settingOne(await call.services.settings.create(tenantOf(tenantId), String(columns.se_code), String(columns.se_value ?? '')));
  },
  async update(call, tenantId, id, body) {
    const { columns } = readBody(settingUpdate, body, 'update');
    const tenant = tenantOf(tenantId);
    const row = columns.se_value === undefined ? await call.services.settings.row(tenant, id) : await call.services.settings.update(tenant, id, String(columns.se_value));
    return settingOne(row);
  },
  delete: (call, tenantId, id) => call.services.settings.remove(tenantOf(tenantId), id),
};

// ---- phonebooks ----

const PHONEBOOK_SHOWN = ['pb_id', 'pb_te_id', 'pb_name', 'pb_includeext', 'pb_includeshortnum'];
const phonebookCreate: WriteSpec = {
  what: 'phonebook',
  columns: PHONEBOOK_FIELDS,
  aliases: { name: 'pb_name', includeext: 'pb_includeext', include_extensions: 'pb_includeext', includeshortnum: 'pb_includeshortnum', include_short_numbers: 'pb_includeshortnum' },
  required: ['pb_name'],
};
const phonebookRowSchema = textRowSchema(PHONEBOOK_SHOWN, 'pb_id', 'pb_name');
const phonebookRow = (book: Phonebook) => textRow(book, PHONEBOOK_SHOWN, 'pb_id', 'pb_name');
const phonebookOne = (book: Phonebook) => ({ ...phonebookRow(book), object: 'phonebook', related: [] });

export const phonebookEntity: Entity = {
  title: 'Phonebook',
  perTenant: true,
  write: { create: phonebookCreate, update: { ...phonebookCreate, required: [] } },
  shown: { item: phonebookRowSchema, get: withObject(phonebookRowSchema, 'phonebook') },
  list: async (call) => (await call.services.phonebooks.list(call.scope)).map(phonebookRow),
  get: async (call, id) => phonebookOne(await call.services.phonebooks.bookById(call.scope, id)),
  create: async (call, tenantId, body) => phonebookOne(await call.services.phonebooks.createBook(tenantOf(tenantId), readBody(phonebookCreate, body, 'create').columns)),
  update: async (call, tenantId, id, body) => phonebookOne(await call.services.phonebooks.updateBook(tenantOf(tenantId), id, readBody(phonebookCreate, body, 'update').columns)),
  delete: (call, tenantId, id) => call.services.phonebooks.deleteBook(tenantOf(tenantId), id),
};

// ---- phonebook entries ----

const values = z
  .record(z.string(), z.union([z.string(), z.number(), z.null()]))
  .describe('item code (NAME, PHONE1, PHONE2, EMAIL, ROUTING, ...; any case) -> value; on update an empty or null value removes the item');
const entryCreate: WriteSpec = {
  what: 'phonebookentry',
  columns: { pe_pb_id: z.union([z.number().int().min(1), z.string().regex(/^\d+$/)]) },
  aliases: { phonebook_id: 'pe_pb_id' },
  required: ['pe_pb_id'],
  extra: { values },
};
// An entry stays in its phonebook: moving it would be a delete and an add.
const entryUpdate: WriteSpec = { ...entryCreate, required: [], createOnly: ['pe_pb_id'] };

const entryItemSchema = z.strictObject({ pe_id: z.string(), pe_te_id: z.string(), pe_pb_id: z.string(), id: z.number().int(), phonebook_id: z.number().int(), values: z.record(z.string(), z.string()) });
const entryGetSchema = entryItemSchema.extend({ object: z.literal('phonebookentry'), related: z.strictObject({ phonebook: withObject(phonebookRowSchema, 'phonebook').omit({ object: true, related: true }) }) });

interface Entry {
  readonly pe_id: number;
  readonly pe_te_id: number;
  readonly pe_pb_id: number;
  readonly values: Record<string, string>;
}

const entryItem = (e: Entry) => ({ pe_id: String(e.pe_id), pe_te_id: String(e.pe_te_id), pe_pb_id: String(e.pe_pb_id), id: e.pe_id, phonebook_id: e.pe_pb_id, values: e.values });

async function entryOne(call: EntityCall, entry: Entry) {
  const book = await call.services.phonebooks.bookById(entry.pe_te_id, entry.pe_pb_id);
  return { ...entryItem(entry), object: 'phonebookentry', related: { phonebook: phonebookRow(book) } };
}

export const phonebookEntryEntity: Entity = {
  title: 'Phonebook entry',
  perTenant: true,
  write: { create: entryCreate, update: entryUpdate },
  shown: { item: entryItemSchema, get: entryGetSchema },
  list: async (call) => (await call.services.phonebooks.entryList(call.scope, idFilter(call, 'phonebook_id', 'pe_pb_id'))).map(entryItem),
  get: async (call, id) => entryOne(call, await call.services.phonebooks.entryById(call.scope, id)),
  async create(call, tenantId, body) {
    const { columns, extra } = readBody(entryCreate, body, 'create');
    if (extra.values === undefined) throw new PbxError('missing_parameter', "Missing required field 'values' for phonebookentry: at least one value, such as {\"NAME\":\"Ross\"}");
    return entryOne(call, await call.services.phonebooks.addEntry(tenantOf(tenantId), Number(columns.pe_pb_id), extra.values));
  },
  async update(call, tenantId, id, body) {
    const { extra } = readBody(entryUpdate, body, 'update');
    const tenant = tenantOf(tenantId);
    const entry = extra.values === undefined ? await call.services.phonebooks.entryById(tenant, id) : await call.services.phonebooks.updateEntry(tenant, id, extra.values);
    return entryOne(call, entry);
  },
  delete: (call, tenantId, id) => call.services.phonebooks.deleteEntry(tenantOf(tenantId), id),
};
