// A SIP MESSAGE from a carrier's trunk (RFC 3428): an SMS to one of the tenants' DIDs. The carrier is recognised as its
// INVITEs are (CarrierDirectory.carrierAt: address, port, transport, pr_match), not by digest; the Request-URI's user
// part is the DID, the From's the sender, the text/plain body the text. It is handed to the inbound SMS use case
// (main.ts plugs it in) and answered 202 Accepted: taken, delivery to the DID's targets follows (§7).
import { isPbxError, type Logger } from '../../../shared/index.ts';
import { parseNameAddr, parseUri, type SipRequest } from '../../../sip/index.ts';
import type { MessageCarriers } from './message-carriers.ts';
import { mediaType } from '../message-policy.ts';

/** The inbound SMS use case as messaging sees it: throws a PbxError when the SMS is not taken (not_found: no such DID). */
export interface InboundSmsSink {
  receive(providerId: number, sms: { readonly from: string; readonly to: string; readonly text: string }): Promise<unknown>;
}

/** What lets messaging take MESSAGEs from carriers: who they are, and where their SMS go. */
export interface TrunkMessaging {
  readonly carriers: MessageCarriers;
  readonly inbound: InboundSmsSink;
}

export type Respond = (status: number, reason: string, headers?: Array<[string, string]>) => void;

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/** Answers one carrier MESSAGE; never throws (a failure of the use case is answered 500 and logged). */
export async function receiveFromTrunk(trunks: TrunkMessaging, providerId: number, request: SipRequest, respond: Respond, limits: { readonly maxBodyBytes: number }, logger: Logger): Promise<void> {
  const requestUri = parseUri(request.uri);
  const from = parseNameAddr(request.headers.get('from') ?? '');
  const fromUri = from.ok ? parseUri(from.value.uri) : undefined;
  if (!requestUri.ok || requestUri.value.user === undefined) return respond(404, 'Not Found');
  if (fromUri === undefined || !fromUri.ok || fromUri.value.user === undefined) return respond(400, 'Bad From Header');
  const contentType = request.headers.get('content-type');
  const charset = CHARSET.exec(contentType ?? '')?.[1]?.toLowerCase() ?? 'utf-8';
  // An SMS is text: typing indications (RFC 3994) and other bodies mean nothing on a DID.
  if (mediaType(contentType) !== 'text/plain' || (charset !== 'utf-8' && charset !== 'utf8')) return respond(415, 'Unsupported Media Type', [['Accept', 'text/plain;charset=UTF-8']]);
  if (request.body.length === 0) return respond(400, 'Missing Message Body');
  if (request.body.length > limits.maxBodyBytes) return respond(513, 'Message Too Large');
  const to = decode(requestUri.value.user);
  const sender = decode(fromUri.value.user);
  if (to === undefined || sender === undefined) return respond(400, 'Bad Request-URI Or From');
  try {
    await trunks.inbound.receive(providerId, { from: sender, to, text: request.body.toString('utf8') });
    return respond(202, 'Accepted');
  } catch (error) {
    if (isPbxError(error) && error.code === 'not_found') return respond(404, 'Not Found');
    if (isPbxError(error) && (error.code === 'missing_parameter' || error.code === 'invalid_parameter')) return respond(400, 'Bad Request');
    logger.error({ err: error, providerId }, 'messaging: an SMS from a trunk could not be taken');
    return respond(500, 'Server Internal Error');
  }
}

function decode(user: string): string | undefined {
  try {
    return decodeURIComponent(user);
  } catch {
    return undefined;
  }
}
