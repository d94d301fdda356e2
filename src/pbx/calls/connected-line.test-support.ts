// Test support for connected line updates: a scripted phone (test/support/sip-phone.ts) answers the PBX's re-INVITE
// in one of its dialogs with 200 and its own description, as a desk phone does, and waits for the PBX's ACK.
import { createSocket } from 'node:dgram';
import type { SipPhone } from '../../../test/support/sip-phone.ts';
import { SipText, type SipTextMessage } from '../../../test/support/sip-text.ts';

/** The PBX's next re-INVITE (or UPDATE) in the dialog with this Call-ID. */
export function nextUpdate(phone: SipPhone, callId: string): Promise<SipTextMessage> {
  return phone.nextRequest((m) => (m.method === 'INVITE' || m.method === 'UPDATE') && m.header('call-id') === callId && m.header('to')?.includes('tag=') === true);
}

/** Answers `request` 200 (with the phone's description for an INVITE) and resolves with the PBX's ACK, if one is due. */
export async function answerUpdate(phone: SipPhone, request: SipTextMessage, pbxPort: number): Promise<SipTextMessage | undefined> {
  const invite = request.method === 'INVITE';
  const sdp = ['v=0', `o=${phone.account.username} 1 2 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${String(phone.rtpPort)} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', ''].join('\r\n');
  const headers: Array<[string, string]> = [['Contact', `<sip:${phone.account.username}@127.0.0.1:${String(phone.sipPort)}>`], ...(invite ? ([['Content-Type', 'application/sdp']] as Array<[string, string]>) : [])];
  const ack = invite ? phone.nextRequest((m) => m.method === 'ACK' && m.header('call-id') === request.header('call-id')) : undefined;
  // Sent from a socket of its own: the PBX matches a response to its transaction by the Via branch (RFC 3261 §17.1.3).
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => socket.send(SipText.serialize(SipText.response(request, 200, 'OK', headers, invite ? sdp : '')), pbxPort, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
  socket.close();
  return ack;
}
