// `callgrid migrate | tenant | key | user`: administration against the configured store.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { KEY_SCOPES, type KeyScope } from '../../domain/index.ts';
import { buildRuntime, type Runtime } from '../../main.ts';
import { PbxError, createLogger } from '../../shared/index.ts';
import { printTable } from '../output.ts';

/** Runs one admin action on a runtime that is opened for it and closed after. */
async function withRuntime<T>(action: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const runtime = await buildRuntime(config, { logger: createLogger('warn') });
  try {
    return await action(runtime);
  } finally {
    await runtime.close();
  }
}

async function tenantId(runtime: Runtime, code: string | undefined): Promise<number> {
  if (!code) throw new PbxError('missing_parameter', 'This key scope needs --tenant CODE');
  const tenant = await runtime.services.tenants.findByCode(code, false);
  if (!tenant) throw new PbxError('not_found', `Tenant ${code} not found`);
  return tenant.te_id;
}

/** The tenant a key of this scope belongs to: none for admin keys (refusing --tenant), the named one otherwise. */
async function keyTenant(runtime: Runtime, scope: KeyScope, code: string | undefined): Promise<number | null> {
  if (scope !== 'admin') return tenantId(runtime, code);
  if (code) throw new PbxError('invalid_parameter', 'An admin key belongs to no tenant: drop --tenant');
  return null;
}

function scopeOf(value: string): KeyScope {
  const scope = value.toLowerCase().replace('read-only', 'readonly') as KeyScope;
  if (!KEY_SCOPES.includes(scope)) throw new PbxError('invalid_parameter', `Invalid --scope '${value}': expected admin, full or readonly`);
  return scope;
}

export function adminCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(() =>
      withRuntime(async (runtime) =>
        console.log(runtime.migrated.length === 0 ? 'Database schema is up to date.' : `Applied: ${runtime.migrated.join(', ')}`),
      ),
    );

  const tenant = program.command('tenant').description('tenants');
  tenant
    .command('create <code>')
    .description('create a tenant and its full and read-only API keys')
    .option('--name <name>', 'display name (default: the code)')
    .action((code: string, options: { name?: string }) =>
      withRuntime(async (runtime) => {
        const created = await runtime.services.tenants.create({ te_code: code, te_name: options.name ?? code });
        console.log(`Tenant ${created.tenant.te_code} created (te_id ${created.tenant.te_id}). Keys, shown only now:`);
        console.log(`  full       ${created.fullKey.key}`);
        console.log(`  read-only  ${created.readOnlyKey.key}`);
      }),
    );
  tenant
    .command('list')
    .description('list tenants')
    .action(() =>
      withRuntime(async (runtime) => {
        const tenants = await runtime.services.tenants.list();
        printTable(['ID', 'CODE', 'NAME', 'DISABLED', 'CREATED'], tenants.map((t) => [t.te_id, t.te_code, t.te_name, t.te_disabled, t.te_created]));
      }),
    );
  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    tenant
      .command(`${name} <code>`)
      .description(`${name} a tenant (a disabled tenant's keys are refused)`)
      .action((code: string) =>
        withRuntime(async (runtime) => {
          const updated = await runtime.services.tenants.setDisabled(code, disabled);
          console.log(`Tenant ${updated.te_code} ${disabled ? 'disabled' : 'enabled'}.`);
        }),
      );
  }

  const key = program.command('key').description('API keys (only their hashes are stored)');
  key
    .command('create')
    .description('add an API key; it is shown only now')
    .requiredOption('--scope <scope>', 'admin, full or readonly')
    .option('--tenant <code>', 'tenant of a full or readonly key')
    .action((options: { scope: string; tenant?: string }) =>
      withRuntime(async (runtime) => {
        const scope = scopeOf(options.scope);
        const issued = await runtime.services.keys.create(scope, await keyTenant(runtime, scope, options.tenant));
        console.log(issued.key);
      }),
    );
  key
    .command('rotate')
    .description('revoke every key of a scope and create a new one')
    .requiredOption('--scope <scope>', 'admin, full or readonly')
    .option('--tenant <code>', 'tenant of a full or readonly key')
    .action((options: { scope: string; tenant?: string }) =>
      withRuntime(async (runtime) => {
        const scope = scopeOf(options.scope);
        const issued = await runtime.services.keys.rotate(scope, await keyTenant(runtime, scope, options.tenant));
        console.error(`Revoked ${issued.revoked} ${scope} key(s); the new key, shown only now:`);
        console.log(issued.key);
      }),
    );
  key
    .command('list')
    .description('list keys (scope, tenant, last characters)')
    .option('--tenant <code>', 'only this tenant')
    .action((options: { tenant?: string }) =>
      withRuntime(async (runtime) => {
        const keys = await runtime.services.keys.list(options.tenant ? await tenantId(runtime, options.tenant) : undefined);
        const codes = new Map((await runtime.services.tenants.list()).map((t) => [t.te_id, t.te_code]));
        printTable(['ID', 'SCOPE', 'TENANT', 'ENDS WITH', 'CREATED'], keys.map((k) => [k.ak_id, k.ak_scope, k.ak_te_id === null ? '-' : (codes.get(k.ak_te_id) ?? k.ak_te_id), `...${k.ak_hint}`, k.ak_created]));
      }),
    );

  const user = program.command('user').description('web users');
  user
    .command('create <username>')
    .description('create a web user')
    .option('--password <password>', 'password (visible to other local users; prefer --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--tenant <code...>', 'tenants the user manages')
    .option('--email <email>', 'email address')
    .action((username: string, options: { password?: string; passwordStdin?: boolean; tenant?: string[]; email?: string }) =>
      withRuntime(async (runtime) => {
        const password = options.passwordStdin ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : options.password;
        if (options.passwordStdin && !password) throw new PbxError('missing_parameter', 'No password on standard input');
        const tenantIds = await Promise.all((options.tenant ?? []).map((code) => tenantId(runtime, code)));
        const created = await runtime.services.users.create({ us_username: username, ...(password ? { us_password: password } : {}), ...(options.email ? { us_email: options.email } : {}) });
        for (const id of tenantIds) await runtime.services.users.addTenant(created.us_id, id);
        console.log(`User ${created.us_username} created (us_id ${created.us_id}).`);
      }),
    );
  user
    .command('list')
    .description('list web users')
    .action(() =>
      withRuntime(async (runtime) => {
        const users = await runtime.services.users.list();
        const codes = new Map((await runtime.services.tenants.list()).map((t) => [t.te_id, t.te_code]));
        const rows = await Promise.all(
          users.map(async (u) => [u.us_id, u.us_username, u.us_email, (await runtime.services.users.tenants(u.us_id)).map((t) => codes.get(t.te_id)).join(','), u.us_created]),
        );
        printTable(['ID', 'USERNAME', 'EMAIL', 'TENANTS', 'CREATED'], rows);
      }),
    );
}
