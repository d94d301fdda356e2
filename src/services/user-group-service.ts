// User groups (spec §2.28): named sets of tenants and web users. A member added with "inherit"
// is given the group's tenants, including tenants added to the group later.
import type { Tenant, UserGroup, UserGroupMember } from '../domain/index.ts';
import { PbxError } from '../shared/index.ts';
import type { Store } from '../store/index.ts';

export class UserGroupService {
  constructor(private readonly store: Store) {}

  list(): Promise<UserGroup[]> {
    return this.store.userGroups.list();
  }

  async create(name: string, description = ''): Promise<UserGroup> {
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > 128) throw new PbxError('invalid_parameter', `Invalid name '${name.slice(0, 40)}': 1-128 characters`);
    if (description.length > 255) throw new PbxError('invalid_parameter', 'Invalid description: at most 255 characters');
    return this.store.userGroups.create({ ug_name: trimmed, ug_description: description });
  }

  async delete(groupId: number): Promise<void> {
    if (!(await this.store.userGroups.delete(groupId))) throw notFound(groupId);
  }

  async tenants(groupId: number): Promise<Tenant[]> {
    await this.group(groupId);
    return this.store.userGroups.tenants(groupId);
  }

  async users(groupId: number): Promise<UserGroupMember[]> {
    await this.group(groupId);
    return this.store.userGroups.users(groupId);
  }

  /** False when the tenant was in the group already. */
  async addTenant(groupId: number, tenantId: number): Promise<boolean> {
    await this.group(groupId);
    if (!(await this.store.tenants.get(tenantId))) throw new PbxError('not_found', `Tenant ${tenantId} not found`);
    return this.store.userGroups.addTenant(groupId, tenantId);
  }

  async removeTenant(groupId: number, tenantId: number): Promise<void> {
    await this.group(groupId);
    if (!(await this.store.userGroups.removeTenant(groupId, tenantId))) throw new PbxError('not_found', `Tenant ${tenantId} is not in user group ${groupId}`);
  }

  /** Adds the user, or changes its inherit flag when it is a member already. */
  async addUser(groupId: number, userId: number, inherit: boolean): Promise<void> {
    await this.group(groupId);
    if (!(await this.store.users.get(userId))) throw new PbxError('not_found', `User ${userId} not found`);
    await this.store.userGroups.putUser(groupId, userId, inherit);
  }

  async removeUser(groupId: number, userId: number): Promise<void> {
    await this.group(groupId);
    if (!(await this.store.userGroups.removeUser(groupId, userId))) throw new PbxError('not_found', `User ${userId} is not in user group ${groupId}`);
  }

  /** The tenants a user reaches through the groups it inherits from (besides its own links). */
  inheritedTenantIds(userId: number): Promise<number[]> {
    return this.store.userGroups.inheritedTenantIds(userId);
  }

  private async group(groupId: number): Promise<UserGroup> {
    const group = await this.store.userGroups.get(groupId);
    if (!group) throw notFound(groupId);
    return group;
  }
}

const notFound = (groupId: number) => new PbxError('not_found', `User group ${groupId} not found`);
