// The tenant dialplan for a dialled number: which of the tenant's extensions it reaches, and whether that
// extension takes calls now (DND makes it busy, as Asterisk's DND does). Numbers never cross tenants.
import type { DialplanDirectory, ExtensionTarget } from './ports.ts';

export type DialTarget =
  | { readonly kind: 'extension'; readonly extension: ExtensionTarget }
  /** Do-not-disturb: the caller hears busy. */
  | { readonly kind: 'busy'; readonly extension: ExtensionTarget }
  | { readonly kind: 'unknown' };

export async function resolveDialled(directory: DialplanDirectory, tenantId: number, dialled: string): Promise<DialTarget> {
  // Only digits, *, # and + are dialable; anything else reaches nothing rather than matching by accident.
  if (!/^[0-9*#+]{1,32}$/.test(dialled)) return { kind: 'unknown' };
  const extension = await directory.findExtension(tenantId, dialled);
  if (extension === undefined) return { kind: 'unknown' };
  return extension.dnd ? { kind: 'busy', extension } : { kind: 'extension', extension };
}
