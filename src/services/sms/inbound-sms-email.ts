// di_smsemail (spec §3.4.3): an inbound SMS on a DID that names one address or a comma list is mailed to it as plain
// text through the node's MailSender. Like a DID-SMS target, its outcome is delivered (the mail server took it) and/or
// a problem for the SMS row's error (no mail server, a bad address, a refusal). Never throws.
import { MAIL_NOT_CONFIGURED, parseAddressList, type MailSender } from '../../mail/index.ts';
import type { SmsPost } from './inbound-sms-url.ts';

export interface SmsMailOutcome {
  /** The mail server took the message for at least one address. */
  readonly delivered: boolean;
  /** What went wrong, for sm_error (also set when some addresses were refused and others took it). */
  readonly error?: string;
}

/** How the outcome is named in sm_error. */
export const SMS_MAIL_TARGET = 'e-mail to di_smsemail';

/** The subject: one line, whatever the numbers hold (the service's PARTY check already refuses control characters). */
export function smsMailSubject(sms: Pick<SmsPost, 'from' | 'to'>): string {
  return `SMS from ${oneLine(sms.from)} to ${oneLine(sms.to)}`;
}

export function smsMailText(sms: SmsPost): string {
  return [`From: ${sms.from}`, `To: ${sms.to}`, `Received: ${sms.received} UTC`, '', sms.text, ''].join('\n');
}

/** Mails the SMS to the DID's di_smsemail addresses, counted against `tenantId`'s mail rate. */
export async function mailInboundSms(mail: MailSender, tenantId: number, addresses: string, sms: SmsPost): Promise<SmsMailOutcome> {
  // Said before the addresses are read: without a mail server nothing else matters.
  if (!mail.configured) return { delivered: false, error: MAIL_NOT_CONFIGURED };
  const to = parseAddressList(addresses);
  if (!to.ok) return { delivered: false, error: to.error };
  const sent = await mail.send({ tenantId, to: to.value, subject: smsMailSubject(sms), text: smsMailText(sms) });
  if (!sent.ok) return { delivered: false, error: sent.error };
  if (sent.rejected.length === 0) return { delivered: true };
  // Some recipients refused, others took it: delivered, and the refusal still reaches the row's error.
  return { delivered: sent.accepted.length > 0, error: sent.note ?? `the mail server refused ${sent.rejected.join(', ')}` };
}

const oneLine = (text: string): string => text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
