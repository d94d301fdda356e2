// A dialled number inside a tenant as the destination list it starts (ARCHITECTURE "Calls as destination lists"):
// one of its extensions (EXT), the own number of a numbered object (a hunt list, queue, conference room, paging
// group), a short number (its destination, or the number it stands for), or else a number outside the tenant (OUT:
// the dial-out step routes it by the caller's routing profile and permissions). Numbers never cross tenants.
import { parseTarget, type DestinationTarget } from '../../domain/index.ts';
import type { DialplanDirectory } from './ports.ts';

/** A list target; OUT carries the number to dial out. */
export interface NumberTarget extends DestinationTarget {
  readonly number?: string;
}

export interface NumberDirectory extends DialplanDirectory {
  /** The tenant's object whose own number this is (HUNTLIST-, QUEUE-, MEETME-, PAGING- target), if any. */
  findNumbered(tenantId: number, number: string): Promise<DestinationTarget | undefined>;
  /** A short number's destination (sn_destnumber: `EXT-100` or a number), if `number` is one of the tenant's. */
  shortNumber(tenantId: number, number: string): Promise<string | undefined>;
}

/** Only digits, *, # and a leading + are dialable; anything else reaches nothing rather than matching by accident. */
const DIALABLE = /^\+?[0-9*#]{1,32}$/;

/** The list `dialled` starts in the tenant; empty when it is not a dialable number. */
export async function targetsForNumber(directory: NumberDirectory, tenantId: number, dialled: string, depth = 0): Promise<NumberTarget[]> {
  if (!DIALABLE.test(dialled)) return [];
  const extension = await directory.findExtension(tenantId, dialled);
  if (extension !== undefined) return [{ tag: 'EXT', id: extension.extensionId }];
  const numbered = await directory.findNumbered(tenantId, dialled);
  if (numbered !== undefined) return [numbered];
  const short = await directory.shortNumber(tenantId, dialled);
  if (short !== undefined) {
    const target = parseTarget(short);
    if (target.ok) return [target.target];
    // A short number standing for another number is followed once (a short number for a short number is not).
    if (depth === 0) return targetsForNumber(directory, tenantId, short, depth + 1);
  }
  return [{ tag: 'OUT', id: 0, number: dialled }];
}
