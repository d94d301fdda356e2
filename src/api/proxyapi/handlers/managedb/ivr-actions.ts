// MANAGEDB ivr getdestinations (spec §3.4.5): every slot of the IVR (keys, timeout, prompts).
import { ownerDestinations } from './destination-actions.ts';
import type { ManagedObject } from './managed-object.ts';

export const ivrActions: ManagedObject['actions'] = {
  getdestinations: ownerDestinations('ivr'),
};
