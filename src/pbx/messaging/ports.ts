// What messaging needs from the rest of the PBX, as ports main.ts fills: the tenants' extensions and their live
// contacts (the B2BUA's CallDirectory fits), and where messages for offline phones are kept.
import type { CallDirectory } from '../calls/call-ports.ts';

/** Extensions by number or id, and the live contacts of an extension. */
export type MessagingDirectory = Pick<CallDirectory, 'findExtension' | 'extensionById' | 'contacts'>;

/** A message kept for an extension that could not take it when it was sent. */
export interface StoredMessage {
  readonly id: number;
  readonly tenantId: number;
  readonly fromNumber: string;
  readonly fromName: string;
  readonly toNumber: string;
  readonly toExtensionId: number;
  readonly contentType: string;
  readonly body: Buffer;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export type NewMessage = Omit<StoredMessage, 'id' | 'tenantId'>;

export interface MessageStore {
  /** Keeps the message unless the tenant already holds `cap` waiting ones (then undefined). */
  add(tenantId: number, message: NewMessage, cap: number, now: Date): Promise<StoredMessage | undefined>;
  /** The extension's waiting (undelivered, unexpired) messages, oldest first, at most `limit`. */
  pending(tenantId: number, extensionId: number, now: Date, limit: number): Promise<StoredMessage[]>;
  /** False when the message was not waiting any more (another delivery took it first). */
  markDelivered(tenantId: number, id: number, at: Date): Promise<boolean>;
  /** Drops delivered and expired messages; how many went. */
  purge(now: Date): Promise<number>;
}
