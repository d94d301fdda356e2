// The one ordered list of migrations, shared by SQLite and PostgreSQL.
import type { Migration, MigrationProvider } from 'kysely';
import type { Dialect } from '../dialect.ts';
import { foundation } from './0001-foundation.ts';
import { objects } from './0002-objects.ts';
import { routing } from './0003-routing.ts';
import { cdrs } from './0004-cdrs.ts';
import { phonebooks } from './0005-phonebooks.ts';
import { registrations } from './0006-registrations.ts';
import { states } from './0007-states.ts';
import { didNumberKeys } from './0008-did-number-key.ts';
import { providerMatch } from './0009-provider-match.ts';
import { recordings } from './0010-recordings.ts';
import { ivrLogs } from './0011-ivr-logs.ts';
import { callerIdMods } from './0012-callerid-mods.ts';
import { messages } from './0013-messages.ts';
import { liveCalls } from './0015-live-calls.ts';
import { sms } from './0014-sms.ts';
import { smsReceipts } from './0016-sms-receipts.ts';
import { urlCustomType } from './0017-url-custom-type.ts';

export function migrationProvider(dialect: Dialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001-foundation': foundation(dialect),
    '0002-objects': objects(dialect),
    '0003-routing': routing(dialect),
    '0004-cdrs': cdrs(dialect),
    '0005-phonebooks': phonebooks(dialect),
    '0006-registrations': registrations(dialect),
    '0007-states': states(dialect),
    '0008-did-number-key': didNumberKeys(dialect),
    '0009-provider-match': providerMatch(dialect),
    '0010-recordings': recordings(dialect),
    '0011-ivr-logs': ivrLogs(dialect),
    '0012-callerid-mods': callerIdMods(dialect),
    '0013-messages': messages(dialect),
    '0015-live-calls': liveCalls(dialect),
    '0014-sms': sms(dialect),
    '0016-sms-receipts': smsReceipts(dialect),
    '0017-url-custom-type': urlCustomType(dialect),
  };
  return { getMigrations: async () => migrations };
}
