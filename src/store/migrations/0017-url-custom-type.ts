// The URL custom type (an inbound SMS posted to a URL, services/sms/inbound-sms-targets.ts) for databases seeded by
// 0003 before the type existed; a database made since has it from 0003's seed already, so it is added only if absent.
import type { Kysely } from 'kysely';
import { URL_CUSTOM_TYPE } from '../../domain/index.ts';
import type { Dialect } from '../dialect.ts';

export function urlCustomType(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const loose = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
      const present = await loose.selectFrom('ct_customtypes').select('ct_id').where('ct_code', '=', URL_CUSTOM_TYPE.ct_code).executeTakeFirst();
      if (present === undefined) await loose.insertInto('ct_customtypes').values(URL_CUSTOM_TYPE).execute();
    },
  };
}
