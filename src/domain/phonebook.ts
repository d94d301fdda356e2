// Phonebooks (spec §2.10, §2.11, §3.4.24): a tenant's contact store. An entry is a set of
// item values (NAME, PHONE1, ...); the items are a fixed list of 18 codes.

/**
 * The 18 phonebook items. MiRTA publishes only NAME, PHONE1, PHONE2, PHONE3, EMAIL and ROUTING;
 * the other twelve are Callgrid's choice of the usual contact fields. Ids are 1..18 in this order.
 */
export const PHONEBOOK_ITEMS: ReadonlyArray<readonly [code: string, name: string]> = [
  ['NAME', 'Name'],
  ['PHONE1', 'Phone 1'],
  ['PHONE2', 'Phone 2'],
  ['PHONE3', 'Phone 3'],
  ['EMAIL', 'E-mail'],
  ['ROUTING', 'Routing'],
  ['FIRSTNAME', 'First name'],
  ['LASTNAME', 'Last name'],
  ['COMPANY', 'Company'],
  ['TITLE', 'Job title'],
  ['MOBILE', 'Mobile'],
  ['FAX', 'Fax'],
  ['ADDRESS', 'Address'],
  ['CITY', 'City'],
  ['ZIP', 'Postal code'],
  ['COUNTRY', 'Country'],
  ['NOTES', 'Notes'],
  ['SPEEDDIAL', 'Speed dial'],
];

export const MAX_PHONEBOOK_VALUE = 1024;

export interface Phonebook {
  pb_id: number;
  pb_te_id: number;
  pb_name: string;
  pb_includeext: string;
  pb_includeshortnum: string;
}

/** One entry with its values by item code (only the items it has). */
export interface PhonebookEntry {
  pe_id: number;
  pe_pb_id: number;
  values: Record<string, string>;
}
