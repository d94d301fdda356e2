// MANAGEDB huntlist members (spec §3.4.15): the ordered destination slot HUNTLIST of the hunt list
// `objectid`; setextensions takes ["EXT-1701","CUSTOM-67"] and keeps that order.
import { slotActions } from './destination-actions.ts';
import type { ManagedObject } from './managed-object.ts';

const members = slotActions('HUNTLIST');

export const huntlistActions: ManagedObject['actions'] = {
  getextensions: members.read,
  setextensions: members.write,
};
