// Routing and naming callers by the tenant's phonebooks (PHONEBOOK-<id>, EXACTPHONEBOOK-<id>). Other modules import from here only.
export { PhonebookRoute, routingTargets, MAX_ROUTING_TARGETS, type PhonebookMatch, type PhonebookRouteDeps } from './phonebook-route.ts';
export { StorePhonebookDirectory, callerNumberSpellings, phonesOf, PHONE_ITEMS, MAX_ENTRIES_SCANNED, type PhonebookDirectory } from './phonebook-directory.ts';
