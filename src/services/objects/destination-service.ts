// Destination slots (spec §3.3): list and replace the ordered targets of one slot (DID 7, IVR_1 of
// IVR 3, the HUNTLIST members), and every slot of one object. Owner and targets stay in one tenant.
import { CATALOGUE, MAX_SLOT_TARGETS, parseTarget, slotOwner, targetObject, type ObjectRow, type ObjectSchema } from '../../domain/index.ts';
import { PbxError } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import { orderedEntries } from './ordered-entries.ts';

const capital = (text: string) => `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`;
const byOrder = (a: ObjectRow, b: ObjectRow) => Number(a.de_ord) - Number(b.de_ord) || Number(a.de_id) - Number(b.de_id);

export class DestinationService {
  constructor(private readonly store: Store) {}

  /** The targets of one slot, in order. */
  async list(tenantId: number, slotType: string, ownerId: number): Promise<ObjectRow[]> {
    const type = await this.slot(tenantId, slotType, ownerId);
    return (await this.table().list(tenantId, { de_type_src: type, de_type_id_src: ownerId })).sort(byOrder);
  }

  /** Replaces the targets of one slot by `input` ("TAG-ID" strings, an array or keyed by position); answers the new list. */
  async replace(tenantId: number, slotType: string, ownerId: number, input: unknown): Promise<ObjectRow[]> {
    const type = await this.slot(tenantId, slotType, ownerId);
    const entries = orderedEntries(input, 'destinations', MAX_SLOT_TARGETS);
    const rows: ObjectRow[] = [];
    for (const [index, entry] of entries.entries()) {
      const target = await this.target(tenantId, entry, index + 1);
      rows.push({ de_type_src: type, de_type_id_src: ownerId, de_type_dst: target.tag, de_type_id_dst: target.id, de_ord: index + 1 });
    }
    // One transaction: a failed write leaves the slot as it was.
    await this.table().replaceWhere(tenantId, { de_type_src: type, de_type_id_src: ownerId }, rows);
    return this.list(tenantId, type, ownerId);
  }

  /** Every slot row of one object (an IVR's keys, a condition's branches), by slot type then order. */
  async ofOwner(tenantId: number, object: string, ownerId: number): Promise<ObjectRow[]> {
    await this.owner(tenantId, object, ownerId);
    const rows = await this.table().list(tenantId, { de_type_id_src: ownerId });
    return rows
      .filter((r) => slotOwner(String(r.de_type_src)) === object)
      .sort((a, b) => String(a.de_type_src).localeCompare(String(b.de_type_src)) || byOrder(a, b));
  }

  private table() {
    return this.store.objects('destination');
  }

  /** The slot type, upper case, once it is known and its owner exists in the tenant. */
  private async slot(tenantId: number, slotType: string, ownerId: number): Promise<string> {
    const type = slotType.trim().toUpperCase();
    const object = slotOwner(type);
    if (!object) throw new PbxError('invalid_parameter', `Invalid typesrc '${slotType.trim()}': not a destination slot type`);
    await this.owner(tenantId, object, ownerId);
    return type;
  }

  private async owner(tenantId: number, object: string, ownerId: number): Promise<ObjectSchema> {
    const schema = CATALOGUE[object];
    // Slots of objects another part of Callgrid has not stored yet cannot be checked, so they are refused.
    if (!schema) throw new PbxError('invalid_parameter', `Invalid typesrc: ${object} objects are not stored yet`);
    const found = await this.store.objects(object).get(schema.tenantColumn ? tenantId : null, ownerId);
    if (!found) throw new PbxError('not_found', `${capital(schema.title)} ${ownerId} not found`);
    return schema;
  }

  private async target(tenantId: number, entry: unknown, position: number) {
    if (typeof entry !== 'string') throw new PbxError('invalid_parameter', `Invalid destination at position ${position}: expected a "TYPE-ID" string such as EXT-100`);
    const parsed = parseTarget(entry);
    if (!parsed.ok) throw new PbxError('invalid_parameter', `Invalid destination '${entry}': ${parsed.why}`);
    const object = targetObject(parsed.target.tag);
    const schema = object === undefined ? undefined : CATALOGUE[object];
    // Tags naming an object Callgrid stores must name one of this tenant's; other ids are kept as given.
    if (object !== undefined && schema) {
      const found = await this.store.objects(object).get(schema.tenantColumn ? tenantId : null, parsed.target.id);
      if (!found) {
        throw new PbxError('invalid_parameter', `Invalid destination '${entry}': ${schema.title} ${parsed.target.id} does not exist${schema.tenantColumn ? ' in this tenant' : ''}`);
      }
    }
    return parsed.target;
  }
}
