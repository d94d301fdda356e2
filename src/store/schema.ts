// Kysely table types. Column names follow MiRTA's (`te_*`, `us_*`, ...) so that
// rows go out through MANAGEDB as stored.
import type { Generated } from 'kysely';
import type { Tenant, WebUser, KeyScope } from '../domain/index.ts';

type WithGeneratedId<T, Id extends keyof T> = Omit<T, Id> & { [K in Id]: Generated<number> };

export interface Database {
  te_tenants: WithGeneratedId<Tenant, 'te_id'>;
  ak_apikeys: {
    ak_id: Generated<number>;
    ak_te_id: number | null;
    ak_scope: KeyScope;
    ak_hash: string;
    ak_hint: string;
    ak_created: string;
  };
  us_users: WithGeneratedId<WebUser, 'us_id'>;
  ut_usertenants: { ut_us_id: number; ut_te_id: number };
  se_settings: { se_id: Generated<number>; se_te_id: number; se_code: string; se_value: string };
  ba_balances: { ba_id: Generated<number>; ba_te_id: number; ba_amount: number; ba_description: string; ba_date: string };
  at_authtokens: { at_us_id: number; at_hash: string; at_once: number; at_validuntil: string | null; at_created: string };
}
