// DISA (DISA-<id>): a PIN, a tone, and a number dialled on through the tenant's dialplan. Other modules import from here only.
export { Disa, type DisaDeps } from './disa.ts';
export { StoreDisaDirectory, disaSettings, type DisaDirectory, type DisaSettings } from './disa-settings.ts';
