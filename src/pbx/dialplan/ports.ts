// What the dialplan reads: the tenant's extensions, through a port main.ts implements over the store.

/** An extension as the dialplan sees it when a call is placed to it. */
export interface ExtensionTarget {
  readonly tenantId: number;
  readonly extensionId: number;
  readonly number: string;
  /** The SIP account name, `100-ACME`: channel names and peeraccount. */
  readonly account: string;
  /** The extension's display name (ex_name), shown as caller id name. */
  readonly name: string;
  readonly dnd: boolean;
  /** Seconds to ring before no answer (ex_ringtime style); undefined = the node's default. */
  readonly ringSeconds: number | undefined;
  /** ex_recording `yes` (or `yeschange`): its calls are recorded. */
  readonly recording?: boolean;
}

export interface DialplanDirectory {
  /** The tenant's extension with this number, or undefined. */
  findExtension(tenantId: number, number: string): Promise<ExtensionTarget | undefined>;
}
