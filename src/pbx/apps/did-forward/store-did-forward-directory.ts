// A DID's unconditional forward in the store: the switch (di_unconditionalstatus, written 'on' or '' as MiRTA does)
// and, for SETUNCONDITIONALDID, the DID-UNCONDITIONAL slot's one target, a CUSTOM external number.
import { PbxError } from '../../../shared/index.ts';
import type { Store } from '../../../store/index.ts';
import type { DidForwardDirectory } from './did-forward.ts';

const SLOT = 'DID-UNCONDITIONAL';
/** The custom type that dials a number through the routing profile (seeded by migration 0003). */
const EXTERNAL_NUMBER = 'EXTERNALNUMBER';
/**
 * cu_param2 of the forwards this creates: the callee is shown what any outside call of the tenant shows (the
 * route's caller id, else the caller's own), the same as a forward an administrator writes with CALLERID.
 */
const PRESENTED = 'CALLERID';

export class StoreDidForwardDirectory implements DidForwardDirectory {
  constructor(private readonly store: Store) {}

  async unconditional(tenantId: number, didId: number): Promise<{ number: string; on: boolean } | undefined> {
    const row = await this.store.objects('did').get(tenantId, didId);
    return row === undefined ? undefined : { number: String(row.di_number ?? ''), on: String(row.di_unconditionalstatus ?? '').toLowerCase() === 'on' };
  }

  async setUnconditional(tenantId: number, didId: number, on: boolean): Promise<void> {
    await this.store.objects('did').update(tenantId, didId, { di_unconditionalstatus: on ? 'on' : '' });
  }

  async forwardTo(tenantId: number, didId: number, number: string): Promise<{ customId: number }> {
    if ((await this.store.objects('did').get(tenantId, didId)) === undefined) throw new PbxError('not_found', `DID ${didId} not found`);
    const customId = await this.externalNumber(tenantId, number);
    const row = { de_type_src: SLOT, de_type_id_src: didId, de_type_dst: 'CUSTOM', de_type_id_dst: customId, de_ord: 1 };
    // The write MANAGEDB destination replace makes (services DestinationService.replace): the slot's rows replaced
    // in one transaction, so a failure leaves the old forward whole. The target is the tenant's own custom.
    await this.store.objects('destination').replaceWhere(tenantId, { de_type_src: SLOT, de_type_id_src: didId }, [row]);
    await this.store.objects('did').update(tenantId, didId, { di_unconditionalstatus: 'on' });
    return { customId };
  }

  /**
   * The tenant's custom destination that dials `number` as these forwards do (type EXTERNALNUMBER, cu_param2
   * CALLERID), the oldest when there are several; a new one when there is none, so setting the same number again
   * adds no rows. An administrator's custom with other settings (a fixed caller id, INCOMINGDID) is left alone.
   */
  private async externalNumber(tenantId: number, number: string): Promise<number> {
    const [type] = await this.store.objects('customtype').list(null, { ct_code: EXTERNAL_NUMBER }, { limit: 1 });
    if (type === undefined) throw new PbxError('not_found', `Custom type ${EXTERNAL_NUMBER} not found`);
    const typeId = Number(type.ct_id);
    const customs = this.store.objects('custom');
    const [found] = await customs.list(tenantId, { cu_ct_id: typeId, cu_param1: number, cu_param2: PRESENTED }, { limit: 1, columns: ['cu_id'] });
    if (found !== undefined) return Number(found.cu_id);
    const created = await customs.insert(tenantId, { cu_name: `Forward to ${number}`, cu_ct_id: typeId, cu_param1: number, cu_param2: PRESENTED });
    return Number(created.cu_id);
  }
}
