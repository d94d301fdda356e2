// Web users: allow-listed fields, scrypt-hashed passwords that are never shown,
// their tenant links, and CHECKAUTH (password or AUTHTOKEN).
import { z } from 'zod';
import type { Tenant, WebUser, WebUserFields } from '../domain/index.ts';
import { PbxError, formatDateTime, hashPassword, newToken, sha256Hex, verifyPassword, type Clock } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import type { AuthTokenService } from './auth-token-service.ts';
import { flag, optionalId, parseFields, text } from './field-rules.ts';

/** The writable web-user fields and their rules (openapi.php documents its bodies with them). */
export const USER_FIELDS = {
  us_username: text(128).regex(/^[^\s]+$/, 'must not be empty or contain spaces'),
  us_password: text(1024).min(1, 'must not be empty'),
  us_description: text(255),
  us_email: text(255).refine((email) => email === '' || /^[^\s@]+@[^\s@]+$/.test(email), 'expected an email address'),
  us_up_id: optionalId(),
  us_useldap: flag(),
  us_ipfilter: text(1024),
  us_2fatype: text(32),
  us_neverexpire: flag(),
  us_dynamicip: flag(),
};

const createSchema = z.strictObject(USER_FIELDS).partial().required({ us_username: true });
const updateSchema = z.strictObject(USER_FIELDS).partial();

/** A user as the API shows it: the password hash never leaves the service. */
export type PublicWebUser = Omit<WebUser, 'us_password'>;

export interface AuthenticatedUser {
  readonly user: PublicWebUser;
  readonly tenants: Tenant[];
  readonly via: 'password' | 'token';
}

export class UserService {
  constructor(
    private readonly store: Store,
    private readonly tokens: AuthTokenService,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<PublicWebUser[]> {
    return (await this.store.users.list()).map(withoutPassword);
  }

  async get(id: number): Promise<PublicWebUser> {
    return withoutPassword(await this.find(id));
  }

  async create(payload: unknown): Promise<PublicWebUser> {
    const fields = parseFields(createSchema, payload, 'user');
    const stored = { ...fields, us_password: fields.us_password === undefined ? '' : await hashPassword(fields.us_password) };
    return withoutPassword(await this.store.users.create(stored as Partial<WebUserFields> & Pick<WebUserFields, 'us_username'>, formatDateTime(this.clock.now())));
  }

  async update(id: number, payload: unknown): Promise<PublicWebUser> {
    const fields = parseFields(updateSchema, payload, 'user');
    await this.find(id);
    const stored = fields.us_password === undefined ? fields : { ...fields, us_password: await hashPassword(fields.us_password) };
    const updated = await this.store.users.update(id, stored as Partial<WebUserFields>);
    if (!updated) throw new PbxError('not_found', `User ${id} not found`);
    return withoutPassword(updated);
  }

  async delete(id: number): Promise<void> {
    if (!(await this.store.users.delete(id))) throw new PbxError('not_found', `User ${id} not found`);
  }

  async tenants(userId: number): Promise<Tenant[]> {
    await this.find(userId);
    const ids = await this.store.users.tenantIds(userId);
    const tenants = await Promise.all(ids.map((id) => this.store.tenants.get(id)));
    return tenants.filter((t): t is Tenant => t !== undefined);
  }

  async addTenant(userId: number, tenantId: number): Promise<boolean> {
    await this.find(userId);
    if (!(await this.store.tenants.get(tenantId))) throw new PbxError('not_found', `Tenant ${tenantId} not found`);
    return this.store.users.addTenant(userId, tenantId);
  }

  async removeTenant(userId: number, tenantId: number): Promise<void> {
    await this.find(userId);
    if (!(await this.store.users.removeTenant(userId, tenantId))) {
      throw new PbxError('not_found', `User ${userId} is not linked to tenant ${tenantId}`);
    }
  }

  /**
   * CHECKAUTH. The password is checked as given, and as its SHA-256 hex digest
   * because MiRTA clients provision `us_password` as sha256(password). A valid
   * AUTHTOKEN is accepted in place of the password (MiRTA's token login).
   * Unknown user and wrong password fail alike, so usernames cannot be probed.
   */
  async authenticate(username: string, password: string, withinTenantId?: number): Promise<AuthenticatedUser> {
    const found = await this.store.users.getByUsername(username);
    const failed = new PbxError('auth_failed', 'Authentication failed: wrong username or password');
    // A tenant's key only checks that tenant's users: decided before any token is spent.
    const user = found && (withinTenantId === undefined || (await this.tenantIdsOf(found.us_id)).includes(withinTenantId)) ? found : undefined;
    // Every path runs both scrypt checks, against a stand-in hash when there is
    // no user or no password, so the time taken tells nothing about the user.
    const stored = user && user.us_password !== '' ? user.us_password : await standInHash();
    const asGiven = await verifyPassword(password, stored);
    const asDigest = await verifyPassword(sha256Hex(password), stored);
    if (!user) throw failed;
    let via: AuthenticatedUser['via'] | undefined;
    if (user.us_password !== '' && (asGiven || asDigest)) {
      via = 'password';
    } else if (await this.tokens.consume(user.us_id, password)) {
      via = 'token';
    }
    if (!via) throw failed;
    const ids = await this.tenantIdsOf(user.us_id);
    const tenants = (await Promise.all(ids.map((id) => this.store.tenants.get(id)))).filter((t): t is Tenant => t !== undefined);
    return { user: withoutPassword(user), tenants, via };
  }

  /** The tenants a user manages: linked directly, or inherited from a user group that passes its tenants on. */
  private async tenantIdsOf(userId: number): Promise<number[]> {
    const [own, inherited] = await Promise.all([this.store.users.tenantIds(userId), this.store.userGroups.inheritedTenantIds(userId)]);
    return [...new Set([...own, ...inherited])].sort((a, b) => a - b);
  }

  async findByUsername(username: string): Promise<PublicWebUser | undefined> {
    const user = await this.store.users.getByUsername(username);
    return user && withoutPassword(user);
  }

  private async find(id: number): Promise<WebUser> {
    const user = await this.store.users.get(id);
    if (!user) throw new PbxError('not_found', `User ${id} not found`);
    return user;
  }
}

let standIn: Promise<string> | undefined;

/** A hash no password matches (its secret is random and forgotten), made once. */
function standInHash(): Promise<string> {
  standIn ??= hashPassword(newToken(32));
  return standIn;
}

function withoutPassword({ us_password: _password, ...user }: WebUser): PublicWebUser {
  return user;
}
