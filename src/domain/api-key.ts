// API keys and who holds them: the installation's admin key, and per tenant a
// full (read/write) key and a read-only key (MiRTA spec §1.3).

export type KeyScope = 'admin' | 'full' | 'readonly';

export const KEY_SCOPES: readonly KeyScope[] = ['admin', 'full', 'readonly'];

export interface ApiKeyRecord {
  ak_id: number;
  ak_te_id: number | null;
  ak_scope: KeyScope;
  ak_hash: string;
  ak_hint: string; // last characters of the key, so an operator can tell keys apart
  ak_created: string;
}

/** Who is calling, once the key is resolved. */
export type Principal =
  | { readonly kind: 'admin' }
  | { readonly kind: 'tenant'; readonly tenantId: number; readonly readOnly: boolean };
