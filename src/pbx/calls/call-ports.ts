// What the B2BUA needs from the rest of the PBX, as interfaces main.ts implements over the store: the tenant's
// extensions as call targets, and where finished calls are reported (CDRs).
import type { DialplanDirectory, ExtensionTarget } from '../dialplan/index.ts';
import type { Binding } from '../registrar/index.ts';

export type { ExtensionTarget } from '../dialplan/index.ts';

export interface CallDirectory extends DialplanDirectory {
  /** The tenant's extension by id (the caller, known from its authenticated account). */
  extensionById(tenantId: number, extensionId: number): Promise<ExtensionTarget | undefined>;
  /** The tenant's code (`ACME`): channel names, CDR accountcode, dialplan context. */
  tenantCode(tenantId: number): Promise<string | undefined>;
  /** The tenant's limit of simultaneous calls (te_maxchannels); undefined = none. */
  maxCalls(tenantId: number): Promise<number | undefined>;
  /** Live registered contacts of an extension (expired ones left out). */
  contacts(tenantId: number, extensionId: number): Promise<Binding[]>;
}
