// The node's outbound e-mail as a port: inbound SMS (di_smsemail) today, voicemail and fax to e-mail later. Senders
// answer outcomes as values (a refused recipient is not an exception), so a caller records them and goes on.

/** One plain-text message. Addresses and subject are checked by the sender before anything is sent. */
export interface MailMessage {
  /** Whose mail it is: the per-tenant rate counts by it; null = the node's own. */
  readonly tenantId: number | null;
  readonly to: readonly string[];
  /** One line: a CR or LF is refused (it would start a header of its own). */
  readonly subject: string;
  readonly text: string;
}

export type MailOutcome =
  /** The server took the message for `accepted`; `rejected` are the recipients it refused (with its answer). */
  | { readonly ok: true; readonly accepted: readonly string[]; readonly rejected: readonly string[]; readonly note?: string }
  | { readonly ok: false; readonly error: string };

export interface MailSender {
  /** False when the node has no mail server: every send answers MAIL_NOT_CONFIGURED. */
  readonly configured: boolean;
  /** Never throws. */
  send(message: MailMessage): Promise<MailOutcome>;
  /** The server as logs may show it (no password), or 'none'. */
  describe(): string;
  /** Closes pooled connections (the node's stop). */
  close(): Promise<void>;
}

export const MAIL_NOT_CONFIGURED = 'not implemented: no mail server configured (CALLGRID_SMTP_URL)';

/** The sender of a node without CALLGRID_SMTP_URL: features that mail say so clearly, nothing pretends. */
export const unconfiguredMailSender: MailSender = {
  configured: false,
  send: async () => ({ ok: false, error: MAIL_NOT_CONFIGURED }),
  describe: () => 'none',
  close: async () => {},
};
