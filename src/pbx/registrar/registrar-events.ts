// What the registrar tells the rest of the PBX (RFC 3261 §10.3 location service changes): a typed listener
// interface and the fan-out that keeps one listener's exception from reaching the SIP socket handler.
import type { Logger } from '../../shared/index.ts';
import type { Endpoint } from '../../sip/index.ts';
import type { Binding } from './ports.ts';

/** Why a binding went away other than by expiring. */
export type BindingRemovalReason = 'unregistered' | 'replaced' | 'admin' | 'flow-closed';

export interface AuthFailure {
  readonly source: Endpoint;
  /** The digest username tried; undefined when the credentials did not parse. */
  readonly username: string | undefined;
  readonly reason: 'wrong-credentials' | 'malformed';
  /** This failure banned the source. */
  readonly banned: boolean;
}

export interface RegistrarListener {
  bindingAdded?(binding: Binding): void;
  bindingRefreshed?(binding: Binding, previous: Binding): void;
  bindingRemoved?(binding: Binding, reason: BindingRemovalReason): void;
  bindingExpired?(binding: Binding): void;
  authFailed?(failure: AuthFailure): void;
}

type Events = { [K in keyof RegistrarListener]-?: Parameters<NonNullable<RegistrarListener[K]>> };

export class RegistrarEvents {
  private readonly listeners = new Set<RegistrarListener>();

  constructor(private readonly logger: Logger) {}

  /** Adds a listener; the returned function removes it. */
  add(listener: RegistrarListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const listener of this.listeners) {
      const handler = listener[event] as ((...a: Events[K]) => void) | undefined;
      if (handler === undefined) continue;
      try {
        handler.apply(listener, args);
      } catch (error) {
        // A listener's bug must not fail a REGISTER that is already committed.
        this.logger.error({ err: error, event }, 'registrar listener threw');
      }
    }
  }
}
