// Which identity headers an extension's phone reads in connected line updates (connected-line.ts), from the store:
// MiRTA's ex_applyalwaysrpid flag ("apply always RPID") adds Remote-Party-ID to the P-Asserted-Identity every
// phone gets, for phones that read only the older header. Read once per update: transfers are rare.
import type { Store } from '../../store/index.ts';
import type { IdentitySettings, IdentityStyle } from './connected-line.ts';

export class StoreIdentitySettings implements IdentitySettings {
  constructor(private readonly store: Store) {}

  async styleOf(tenantId: number, account: string): Promise<IdentityStyle> {
    const rows = await this.store.objects('extension').list(tenantId, { ex_username: account }, { limit: 1, columns: ['ex_applyalwaysrpid'] });
    // Flags are stored 'on' or '' (object-schema.ts).
    return rows[0]?.ex_applyalwaysrpid === 'on' ? 'both' : 'pai';
  }
}
