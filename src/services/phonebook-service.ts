// Phonebooks of a tenant (spec §2.10, §2.11): list them, and add, search, list, delete and
// clear the entries of one, by name. Item codes are case-insensitive (`name` = `NAME`).
import { MAX_PHONEBOOK_VALUE, type Phonebook, type PhonebookEntry } from '../domain/index.ts';
import { PbxError } from '../shared/index.ts';
import type { PhonebookItem, Store } from '../store/index.ts';

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

  list(tenantId: number): Promise<Array<Phonebook & { entries: number }>> {
    return this.store.phonebooks.list(tenantId);
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

  /** One record `{CODE: value}` as [item id, value] pairs; empty values are left out (no detail row). */
  private entryValues(record: unknown, byCode: ReadonlyMap<string, number>, where: string): Array<readonly [number, string]> {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new PbxError('invalid_parameter', `Invalid ${where}: expected an object such as {"NAME":"Ross","PHONE1":"3564732920"}`);
    }
    const values: Array<readonly [number, string]> = [];
    for (const [key, raw] of Object.entries(record)) {
      const itemId = byCode.get(key.trim().toUpperCase());
      if (itemId === undefined) throw new PbxError('invalid_parameter', `Invalid ${where}: unknown phonebook field '${key}', expected one of ${[...byCode.keys()].join(', ')}`);
      if (raw === null || raw === '') continue;
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
