// Phonebooks of a tenant (spec §2.10, §2.11): list them, and add, search, list, delete and
// clear the entries of one, by name. Item codes are case-insensitive (`name` = `NAME`).
import { z } from 'zod';
import { MAX_PHONEBOOK_VALUE, type Phonebook, type PhonebookEntry } from '../domain/index.ts';
import { PbxError } from '../shared/index.ts';
import type { PhonebookFields, PhonebookItem, StoredPhonebookEntry, Store } from '../store/index.ts';
import { flag, parseFields, text } from './field-rules.ts';

/** The writable fields of a phonebook (spec §3.4.24); openapi.php documents its bodies with them. */
export const PHONEBOOK_FIELDS = {
  pb_name: text(255).refine((name) => name.trim() !== '', 'must not be empty'),
  pb_includeext: flag(),
  pb_includeshortnum: flag(),
};
const createBookSchema = z.strictObject(PHONEBOOK_FIELDS).partial().required({ pb_name: true });
const updateBookSchema = z.strictObject(PHONEBOOK_FIELDS).partial();

/** The most entries one add may carry (the 1 MiB body limit bounds it first in practice). */
export const MAX_PHONEBOOK_BATCH = 50_000;

export class PhonebookService {
  private items: Promise<PhonebookItem[]> | undefined;

  constructor(private readonly store: Store) {}

  /** The 18 items in their fixed order. */
  itemList(): Promise<PhonebookItem[]> {
    // A fixed, seeded list: read once.
    this.items ??= this.store.phonebooks.items();
    return this.items;
  }

  /** The phonebooks of one tenant, or of every tenant (null: the admin's view). */
  list(tenantId: number | null): Promise<Array<Phonebook & { entries: number }>> {
    return this.store.phonebooks.list(tenantId);
  }

  /** One phonebook by id; another tenant's reads as not found. */
  async bookById(tenantId: number | null, id: number): Promise<Phonebook & { entries: number }> {
    // Phonebooks per tenant are few; entries, which are many, are never read here.
    const book = (await this.store.phonebooks.list(tenantId)).find((b) => b.pb_id === id);
    if (!book) throw new PbxError('not_found', `Phonebook ${id} not found`);
    return book;
  }

  async createBook(tenantId: number, payload: unknown): Promise<Phonebook & { entries: number }> {
    const { pb_name: name, ...flags } = parseFields(createBookSchema, payload, 'phonebook');
    const book = await this.store.phonebooks.create(tenantId, checkName(name), flags);
    return { ...book, entries: 0 };
  }

  async updateBook(tenantId: number, id: number, payload: unknown): Promise<Phonebook & { entries: number }> {
    const fields: Partial<PhonebookFields> = parseFields(updateBookSchema, payload, 'phonebook');
    if (fields.pb_name !== undefined) fields.pb_name = checkName(fields.pb_name);
    await this.bookById(tenantId, id);
    if (!(await this.store.phonebooks.updateBook(tenantId, id, fields))) throw new PbxError('not_found', `Phonebook ${id} not found`);
    return this.bookById(tenantId, id);
  }

  /** Deletes the phonebook and its entries. */
  async deleteBook(tenantId: number, id: number): Promise<void> {
    if (!(await this.store.phonebooks.deleteBook(tenantId, id))) throw new PbxError('not_found', `Phonebook ${id} not found`);
  }

  /** Entries of one tenant (or every tenant: null), optionally of one phonebook. */
  async entryList(tenantId: number | null, phonebookId?: number): Promise<StoredPhonebookEntry[]> {
    if (phonebookId !== undefined) await this.bookById(tenantId, phonebookId);
    return this.store.phonebooks.listEntries({ tenantId, ...(phonebookId === undefined ? {} : { phonebookId }) });
  }

  async entryById(tenantId: number | null, id: number): Promise<StoredPhonebookEntry> {
    const [entry] = await this.store.phonebooks.listEntries({ tenantId, entryId: id });
    if (!entry) throw new PbxError('not_found', `Phonebook entry ${id} not found`);
    return entry;
  }

  /** One entry `{CODE: value}` in the phonebook with this id. */
  async addEntry(tenantId: number, phonebookId: number, values: unknown): Promise<StoredPhonebookEntry> {
    const book = await this.bookById(tenantId, phonebookId);
    const byCode = new Map((await this.itemList()).map((item) => [item.pi_code, item.pi_id]));
    const [id] = await this.store.phonebooks.addEntries(tenantId, book.pb_id, [this.entryValues(values, byCode, 'values')]);
    return this.entryById(tenantId, Number(id));
  }

  /** Changes only the values sent; an empty or null value removes the item from the entry (spec §3.4.24). */
  async updateEntry(tenantId: number, id: number, values: unknown): Promise<StoredPhonebookEntry> {
    await this.entryById(tenantId, id);
    const byCode = new Map((await this.itemList()).map((item) => [item.pi_code, item.pi_id]));
    await this.store.phonebooks.setEntryValues(tenantId, id, this.entryValues(values, byCode, 'values', true));
    return this.entryById(tenantId, id);
  }

  async deleteEntry(tenantId: number, id: number): Promise<void> {
    const entry = await this.entryById(tenantId, id);
    if (!(await this.store.phonebooks.deleteEntry(tenantId, entry.pe_pb_id, id))) throw new PbxError('not_found', `Phonebook entry ${id} not found`);
  }

  /** Adds one record or an array of them; a phonebook that does not exist yet is created. Returns the new entry ids. */
  async add(tenantId: number, name: string, payload: unknown, source = 'values'): Promise<number[]> {
    const records = Array.isArray(payload) ? payload : [payload];
    if (records.length === 0) throw new PbxError('invalid_parameter', `Invalid ${source}: the array is empty`);
    if (records.length > MAX_PHONEBOOK_BATCH) throw new PbxError('invalid_parameter', `Invalid ${source}: at most ${MAX_PHONEBOOK_BATCH} records at once`);
    const byCode = new Map((await this.itemList()).map((item) => [item.pi_code, item.pi_id]));
    const entries = records.map((record, index) => this.entryValues(record, byCode, records.length > 1 ? `${source}[${index}]` : source));
    const book = (await this.store.phonebooks.find(tenantId, checkName(name))) ?? (await this.store.phonebooks.create(tenantId, name.trim()));
    return this.store.phonebooks.addEntries(tenantId, book.pb_id, entries);
  }

  /** Entries whose `field` (any field when omitted) matches `value`; `%` is the wildcard, case is ignored. */
  async query(tenantId: number, name: string, field: string | undefined, value: string): Promise<PhonebookEntry[]> {
    const book = await this.book(tenantId, name);
    let itemId: number | undefined;
    if (field !== undefined && field.trim() !== '') {
      const code = field.trim().toUpperCase();
      itemId = (await this.itemList()).find((item) => item.pi_code === code)?.pi_id;
      if (itemId === undefined) throw new PbxError('invalid_parameter', `Invalid field '${field}': expected one of ${(await this.codes()).join(', ')}`);
    }
    // Only `%` is a wildcard: `_` and `\` are literal, as the spec documents nothing else.
    const pattern = value.replace(/[\\_]/g, (ch) => `\\${ch}`);
    return this.store.phonebooks.query(tenantId, book.pb_id, itemId, pattern);
  }

  async entries(tenantId: number, name: string): Promise<PhonebookEntry[]> {
    return this.store.phonebooks.entries(tenantId, (await this.book(tenantId, name)).pb_id);
  }

  async delete(tenantId: number, name: string, entryId: number): Promise<void> {
    const book = await this.book(tenantId, name);
    if (!(await this.store.phonebooks.deleteEntry(tenantId, book.pb_id, entryId))) {
      throw new PbxError('not_found', `Phonebook entry ${entryId} not found in phonebook ${book.pb_name}`);
    }
  }

  /** Deletes every entry of the phonebook (the phonebook stays); returns how many. */
  async clear(tenantId: number, name: string): Promise<number> {
    return this.store.phonebooks.clear(tenantId, (await this.book(tenantId, name)).pb_id);
  }

  async codes(): Promise<string[]> {
    return (await this.itemList()).map((item) => item.pi_code);
  }

  private async book(tenantId: number, name: string): Promise<Phonebook> {
    const book = await this.store.phonebooks.find(tenantId, checkName(name));
    if (!book) throw new PbxError('not_found', `Phonebook ${name.trim()} not found`);
    return book;
  }

  /**
   * One record `{CODE: value}` as [item id, value] pairs; empty values are left out (no detail row),
   * or, for a change (`clearing`), kept as null: they remove that item's value.
   */
  private entryValues(record: unknown, byCode: ReadonlyMap<string, number>, where: string): Array<readonly [number, string]>;
  private entryValues(record: unknown, byCode: ReadonlyMap<string, number>, where: string, clearing: true): Array<readonly [number, string | null]>;
  private entryValues(record: unknown, byCode: ReadonlyMap<string, number>, where: string, clearing = false): Array<readonly [number, string | null]> {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new PbxError('invalid_parameter', `Invalid ${where}: expected an object such as {"NAME":"Ross","PHONE1":"3564732920"}`);
    }
    const values: Array<readonly [number, string | null]> = [];
    for (const [key, raw] of Object.entries(record)) {
      const itemId = byCode.get(key.trim().toUpperCase());
      if (itemId === undefined) throw new PbxError('invalid_parameter', `Invalid ${where}: unknown phonebook field '${key}', expected one of ${[...byCode.keys()].join(', ')}`);
      if (raw === null || raw === '') {
        if (clearing) values.push([itemId, null]);
        continue;
      }
      if (typeof raw !== 'string' && typeof raw !== 'number') throw new PbxError('invalid_parameter', `Invalid ${where}: field ${key} must be text or a number`);
      const value = String(raw);
      if (value.length > MAX_PHONEBOOK_VALUE) throw new PbxError('invalid_parameter', `Invalid ${where}: field ${key} is longer than ${MAX_PHONEBOOK_VALUE} characters`);
      values.push([itemId, value]);
    }
    if (values.length === 0) throw new PbxError('invalid_parameter', `Invalid ${where}: the record has no value`);
    return values;
  }
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 255) throw new PbxError('invalid_parameter', `Invalid phonebook '${name.slice(0, 40)}': 1-255 characters`);
  return trimmed;
}
