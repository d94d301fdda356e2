// Outbound e-mail: the MailSender port, its SMTP implementation (nodemailer) and the address rules. Knows nothing of
// the PBX; imports shared only. Used by inbound SMS (di_smsemail); voicemail and fax to e-mail are to use it too.
export { MAIL_NOT_CONFIGURED, unconfiguredMailSender, type MailMessage, type MailOutcome, type MailSender } from './mail-sender.ts';
export { SmtpMailSender, createMailSender, messageProblem, smtpTransportOptions, type MailSenderSettings, type SmtpMailSettings, type SmtpTimeouts } from './smtp-mail-sender.ts';
export { addressProblem, parseAddressList, parseMailbox, type Mailbox } from './mail-address.ts';
export { describeSmtpServer, parseSmtpUrl, type SmtpServer } from './smtp-url.ts';
export { MailLimits, type MailLimitSettings, type MailTurn } from './mail-limits.ts';
