// Which identity headers an extension's phone reads in connected line updates (connected-line.ts), from the store:
// MiRTA's ex_applyalwaysrpid flag ("apply always RPID") adds Remote-Party-ID to the P-Asserted-Identity every
// phone gets, for phones that read only the older header. Read once per update: transfers are rare.
import type { Store } from '../../store/index.ts';
import { requireColumns, type StoreExtensionRows } from '../dialplan/index.ts';
import type { IdentitySettings, IdentityStyle } from './connected-line.ts';

export class StoreIdentitySettings implements IdentitySettings {
  /** `extensions`: the call path's shared extension rows (main.ts); without, each update queries the store. */
  constructor(
    private readonly store: Store,
    private readonly extensions?: StoreExtensionRows,
  ) {
    if (extensions !== undefined) requireColumns('StoreIdentitySettings', ['ex_applyalwaysrpid']);
  }

  async styleOf(tenantId: number, account: string): Promise<IdentityStyle> {
    const row =
      this.extensions !== undefined
        ? await this.extensions.byAccount(tenantId, account)
        : (await this.store.objects('extension').list(tenantId, { ex_username: account }, { limit: 1, columns: ['ex_applyalwaysrpid'] }))[0];
    // Flags are stored 'on' or '' (object-schema.ts).
    return row?.ex_applyalwaysrpid === 'on' ? 'both' : 'pai';
  }
}
