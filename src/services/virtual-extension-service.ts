// Members of virtual extensions (spec §2.29): the real extensions that ring when a VIRTUAL
// extension is called. Both are extensions of the same tenant; a member is found by number or username.
import type { ObjectRow, VirtualMember } from '../domain/index.ts';
import { PbxError } from '../shared/index.ts';
import type { Store } from '../store/index.ts';

export class VirtualExtensionService {
  constructor(private readonly store: Store) {}

  async members(tenantId: number, number: string): Promise<VirtualMember[]> {
    return this.store.virtualExtensions.members(tenantId, await this.virtualId(tenantId, number));
  }

  /** False when the extension was a member already. */
  async add(tenantId: number, number: string, extension: string): Promise<boolean> {
    const virtualId = await this.virtualId(tenantId, number);
    const member = await this.member(tenantId, extension);
    if (member.ex_tech === 'VIRTUAL') throw new PbxError('invalid_parameter', `Invalid extension '${extension}': a virtual extension cannot be a member of another`);
    return this.store.virtualExtensions.add(tenantId, virtualId, Number(member.ex_id));
  }

  async remove(tenantId: number, number: string, extension: string): Promise<void> {
    const virtualId = await this.virtualId(tenantId, number);
    const member = await this.member(tenantId, extension);
    if (!(await this.store.virtualExtensions.remove(tenantId, virtualId, Number(member.ex_id)))) {
      throw new PbxError('not_found', `Extension ${member.ex_number} is not a member of virtual extension ${number.trim()}`);
    }
  }

  /** Removes every member; returns how many. */
  async clear(tenantId: number, number: string): Promise<number> {
    return this.store.virtualExtensions.clear(tenantId, await this.virtualId(tenantId, number));
  }

  private async virtualId(tenantId: number, number: string): Promise<number> {
    const [row] = await this.store.objects('extension').list(tenantId, { ex_number: number.trim() });
    if (!row) throw new PbxError('not_found', `Extension ${number.trim()} not found`);
    if (row.ex_tech !== 'VIRTUAL') throw new PbxError('invalid_parameter', `Invalid number '${number.trim()}': extension ${number.trim()} is not a virtual extension`);
    return Number(row.ex_id);
  }

  /** By number (`100`), SIP username, or `<number>-<TENANTCODE>` (MiRTA's username form). */
  private async member(tenantId: number, extension: string): Promise<ObjectRow> {
    const table = this.store.objects('extension');
    const wanted = extension.trim();
    const [byNumber] = await table.list(tenantId, { ex_number: wanted });
    if (byNumber) return byNumber;
    const [byUsername] = await table.list(tenantId, { ex_username: wanted });
    if (byUsername) return byUsername;
    // `100-ACME` names ACME's 100 only: another tenant's code never resolves here.
    const [, number, code] = /^([0-9*#+]{1,32})-([A-Za-z][A-Za-z0-9]*)$/.exec(wanted) ?? [];
    const own = number !== undefined && code?.toUpperCase() === (await this.store.tenants.get(tenantId))?.te_code;
    const [byMirtaName] = own ? await table.list(tenantId, { ex_number: number }) : [];
    if (byMirtaName) return byMirtaName;
    throw new PbxError('not_found', `Extension ${wanted} not found`);
  }
}
