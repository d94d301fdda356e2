// What the phonebook steps (PHONEBOOK, EXACTPHONEBOOK, CLIDNAMEBYPHONEBOOK) read of a tenant's phonebooks (spec
// §3.4.24, §4.2): an entry's phone numbers, its name and its ROUTING item. The store-backed implementation reads
// pb_phonebooks / pe_phonebookentries / pd_phonebookdetails through the phonebook repository, tenant-scoped.
import { numberVariants } from '../../dialplan/index.ts';
import type { PhonebookEntry } from '../../../domain/index.ts';
import type { Store } from '../../../store/index.ts';

/** The items that hold a phone number an entry is found by. */
export const PHONE_ITEMS: readonly string[] = ['PHONE1', 'PHONE2', 'PHONE3', 'MOBILE'];

/** At most this many entries are looked at per call: a phonebook of a million rows must not stall a call. */
export const MAX_ENTRIES_SCANNED = 5000;

export interface PhonebookDirectory {
  /** Whether the tenant has this phonebook (another tenant's reads as absent). */
  exists(tenantId: number, phonebookId: number): Promise<boolean>;
  /** The phonebook's entries with a phone item equal to one of `numbers`, in entry order. */
  byNumber(tenantId: number, phonebookId: number, numbers: readonly string[]): Promise<PhonebookEntry[]>;
  /** The phonebook's first `limit` entries, in entry order. */
  entries(tenantId: number, phonebookId: number, limit: number): Promise<PhonebookEntry[]>;
}

/** The spellings a caller's number may be written under in a phonebook: as sent, +39.., 0039.., 39... */
export function callerNumberSpellings(number: string): string[] {
  const trimmed = number.trim();
  return trimmed === '' ? [] : numberVariants(trimmed);
}

/** An entry's phone numbers (PHONE_ITEMS order), empty ones left out. */
export function phonesOf(entry: PhonebookEntry): string[] {
  return PHONE_ITEMS.map((item) => (entry.values[item] ?? '').trim()).filter((value) => value !== '');
}

/** LIKE with no wildcard: `%`, `_` and the escape itself taken literally (the repository escapes with `\`). */
function literalLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export class StorePhonebookDirectory implements PhonebookDirectory {
  constructor(private readonly store: Store) {}

  async exists(tenantId: number, phonebookId: number): Promise<boolean> {
    return (await this.store.phonebooks.list(tenantId)).some((book) => book.pb_id === phonebookId);
  }

  async byNumber(tenantId: number, phonebookId: number, numbers: readonly string[]): Promise<PhonebookEntry[]> {
    const wanted = new Set(numbers);
    const found = new Map<number, PhonebookEntry>();
    // One indexed query per spelling (a handful), never a scan of the whole phonebook.
    for (const number of wanted) {
      for (const entry of await this.store.phonebooks.query(tenantId, phonebookId, undefined, literalLike(number))) {
        if (phonesOf(entry).some((phone) => wanted.has(phone))) found.set(entry.pe_id, entry);
      }
    }
    return [...found.values()].sort((a, b) => a.pe_id - b.pe_id);
  }

  async entries(tenantId: number, phonebookId: number, limit: number): Promise<PhonebookEntry[]> {
    return (await this.store.phonebooks.entries(tenantId, phonebookId)).slice(0, limit);
  }
}
