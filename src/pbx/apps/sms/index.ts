// The SMS-<extension id> step: a call's list texts an extension about the call. Other modules import from here only.
export { SmsStep, callNotice, type SmsStepDeps } from './sms-step.ts';
