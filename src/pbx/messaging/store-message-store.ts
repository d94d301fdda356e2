// The MessageStore port over the Store's ms_messages repository: times as 'YYYY-MM-DD HH:MM:SS' UTC text,
// bodies as base64 text (one column type on both engines, whatever bytes the content type carries).
import type { Store, StoredMessageRow } from '../../store/index.ts';
import type { MessageStore, NewMessage, StoredMessage } from './ports.ts';

const sqlTime = (date: Date): string => date.toISOString().slice(0, 19).replace('T', ' ');
const fromSqlTime = (text: string): Date => new Date(`${text.replace(' ', 'T')}Z`);

function stored(row: StoredMessageRow): StoredMessage {
  return {
    id: row.ms_id,
    tenantId: row.ms_te_id,
    fromNumber: row.ms_from_ext,
    fromName: row.ms_from_name,
    toNumber: row.ms_to_ext,
    toExtensionId: row.ms_to_ex_id,
    contentType: row.ms_content_type,
    body: Buffer.from(row.ms_body, 'base64'),
    createdAt: fromSqlTime(row.ms_created),
    expiresAt: fromSqlTime(row.ms_expires),
  };
}

export class StoreMessageStore implements MessageStore {
  constructor(private readonly store: Pick<Store, 'messages'>) {}

  async add(tenantId: number, message: NewMessage, cap: number, now: Date): Promise<StoredMessage | undefined> {
    const row = await this.store.messages.add(
      tenantId,
      {
        ms_from_ext: message.fromNumber,
        ms_from_name: message.fromName,
        ms_to_ext: message.toNumber,
        ms_to_ex_id: message.toExtensionId,
        ms_content_type: message.contentType,
        ms_body: message.body.toString('base64'),
        ms_created: sqlTime(message.createdAt),
        ms_expires: sqlTime(message.expiresAt),
      },
      { cap, now: sqlTime(now) },
    );
    return row === undefined ? undefined : stored(row);
  }

  async pending(tenantId: number, extensionId: number, now: Date, limit: number): Promise<StoredMessage[]> {
    return (await this.store.messages.pending(tenantId, extensionId, sqlTime(now), limit)).map(stored);
  }

  markDelivered(tenantId: number, id: number, at: Date): Promise<boolean> {
    return this.store.messages.markDelivered(tenantId, id, sqlTime(at));
  }

  purge(now: Date): Promise<number> {
    return this.store.messages.purge(sqlTime(now));
  }
}
