// A request the B2BUA sends inside a dialog it holds (a re-INVITE, an UPDATE) and waits for: its final answer, with
// the ACK a 2xx to our re-INVITE needs from us (RFC 3261 §13.2.2.4; a failure is ACKed by its transaction).
import type { Logger } from '../../shared/index.ts';
import { buildAck, type Dialog, type SipRequest, type SipResponse, type SipStack } from '../../sip/index.ts';

/** The final answer; undefined when the request could not be sent or got none (timeout, transport error). */
export async function requestInDialog(deps: { readonly stack: SipStack; readonly logger: Logger }, dialog: Dialog, request: SipRequest, what: string): Promise<SipResponse | undefined> {
  const sent = deps.stack.sendRequest(request, dialog.peer.endpoint, dialog.peer.flowId);
  if (!sent.ok) {
    deps.logger.warn({ error: sent.error }, `call: ${what} not sent`);
    return undefined;
  }
  const outcome = await sent.value.final;
  if (outcome.kind !== 'response') return undefined;
  const { response } = outcome;
  if (request.method === 'INVITE' && response.status >= 200 && response.status < 300) {
    try {
      void deps.stack.sendAck(buildAck(dialog, sent.value.request, response), dialog.peer.endpoint, dialog.peer.flowId);
    } catch (error) {
      deps.logger.warn({ err: error }, `call: the 2xx of ${what} could not be ACKed`);
    }
  }
  return response;
}
