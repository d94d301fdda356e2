// The Store over a Kysely instance; the engine-specific part is only how it is opened.
import { Migrator, type Kysely } from 'kysely';
import type { Dialect } from './dialect.ts';
import type { Store } from './store.ts';
import type { LooseDb } from './row-table.ts';
import { migrationProvider } from './migrations/index.ts';
import { tenantRepository } from './repositories/tenant-repository.ts';
import { apiKeyRepository } from './repositories/api-key-repository.ts';
import { webUserRepository } from './repositories/web-user-repository.ts';
import { settingRepository } from './repositories/setting-repository.ts';
import { balanceRepository } from './repositories/balance-repository.ts';
import { authTokenRepository } from './repositories/auth-token-repository.ts';
import { registrationRepository } from './repositories/registration-repository.ts';
import { sipAccountRepository } from './repositories/sip-account-repository.ts';
import { cdrRepository } from './repositories/cdr-repository.ts';
import { xmlTemplateRepository } from './repositories/xml-template-repository.ts';
import { phonebookRepository } from './repositories/phonebook-repository.ts';
import { userGroupRepository } from './repositories/user-group-repository.ts';
import { virtualExtensionRepository } from './repositories/virtual-extension-repository.ts';
import { stateRepository } from './repositories/state-repository.ts';
import { recordingRepository } from './repositories/recording-repository.ts';
import { ivrLogRepository } from './repositories/ivr-log-repository.ts';
import { messageRepository } from './repositories/message-repository.ts';
import { liveCallRepository } from './repositories/live-call-repository.ts';
import { smsRepository } from './repositories/sms-repository.ts';
import { objectTable, type ObjectTable } from './object-table.ts';
import { schemaOf } from '../domain/index.ts';

/** `schema`: the PostgreSQL schema the migration bookkeeping tables live in (Kysely looks for them in every schema otherwise). */
export function kyselyStore(db: Kysely<unknown>, dialect: Dialect, onClose: () => Promise<void> = async () => {}, schema?: string): Store {
  const loose = db as unknown as LooseDb;
  const tables = new Map<string, ObjectTable>();
  return {
    objects(name) {
      let table = tables.get(name);
      if (!table) tables.set(name, (table = objectTable(loose, schemaOf(name))));
      return table;
    },
    dialect,
    tenants: tenantRepository(loose),
    apiKeys: apiKeyRepository(loose),
    users: webUserRepository(loose),
    settings: settingRepository(loose),
    balances: balanceRepository(loose),
    authTokens: authTokenRepository(loose),
    registrations: registrationRepository(loose),
    sipAccounts: sipAccountRepository(loose),
    cdrs: cdrRepository(loose),
    xmlTemplates: xmlTemplateRepository(loose),
    phonebooks: phonebookRepository(loose),
    userGroups: userGroupRepository(loose),
    virtualExtensions: virtualExtensionRepository(loose),
    states: stateRepository(loose),
    recordings: recordingRepository(loose),
    ivrLogs: ivrLogRepository(loose),
    messages: messageRepository(loose),
    liveCalls: liveCallRepository(loose),
    sms: smsRepository(loose),
    async migrate() {
      const migrator = new Migrator({ db, provider: migrationProvider(dialect), ...(schema ? { migrationTableSchema: schema } : {}) });
      const { error, results = [] } = await migrator.migrateToLatest();
      if (error) throw error;
      return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    async close() {
      await db.destroy();
      await onClose();
    },
  };
}
