// What a live SMS provider offers the SMS use case: send one text, get the provider's message ids or why not.
// (driver-for-provider.ts picks the driver a provider row describes.)

export interface OutboundSms {
  readonly from: string;
  readonly to: string;
  readonly text: string;
}

export type SmsSendResult = { readonly ok: true; readonly providerIds: readonly string[] } | { readonly ok: false; readonly error: string };

export interface SmsDriver {
  /** Never throws: a failure (refusal, timeout, unreachable provider) is a value. */
  send(sms: OutboundSms): Promise<SmsSendResult>;
}
