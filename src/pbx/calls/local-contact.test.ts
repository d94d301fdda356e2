// localContact on a real SipStack bound to 0.0.0.0: the Contact of an answer names the address the request reached
// (127.0.0.1 from loopback, another address of this host from that one), not the host's main address.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { silentLogger, systemClock } from '../../shared/index.ts';
import { SipStack } from '../../sip/index.ts';
import { localContact } from './local-contact.ts';

const otherAddress = Object.values(networkInterfaces()).flatMap((list) => list ?? []).find((a) => a.family === 'IPv4' && !a.internal)?.address;

/** Sends an OPTIONS from `address` to the stack's port at the same address, and returns the answer's Contact. */
async function contactSeenFrom(address: string, port: number): Promise<string | undefined> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
    const from = socket.address().port;
    const answer = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())));
    const request = [
      `OPTIONS sip:${address}:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP ${address}:${from};branch=z9hG4bK-${from};rport`,
      'Max-Forwards: 70',
      `From: <sip:probe@${address}>;tag=p${from}`,
      `To: <sip:${address}:${port}>`,
      `Call-ID: contact-${from}@${address}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    socket.send(request, port, address);
    return /^Contact:\s*(.*)$/im.exec(await answer)?.[1]?.trim();
  } finally {
    socket.close();
  }
}

describe('localContact on a wildcard bind', () => {
  let stack: SipStack;
  before(async () => {
    stack = await SipStack.start(
      { udp: { host: '0.0.0.0', port: 0 }, clock: systemClock, logger: silentLogger, allow: ['OPTIONS'], userAgent: 'callgrid-test' },
      {
        onRequest(transaction, _request, source) {
          stack.respond(transaction, 200, 'OK', [['Contact', localContact(stack, source.endpoint.protocol, source.local)]]);
        },
      },
    );
  });
  after(async () => {
    await stack.close();
  });

  it('names 127.0.0.1 to a request from 127.0.0.1', async () => {
    const port = stack.localEndpoint('udp')?.port ?? 0;
    assert.equal(await contactSeenFrom('127.0.0.1', port), `<sip:callgrid@127.0.0.1:${port}>`);
  });

  it('names the other address to a request sent to it', { skip: otherAddress === undefined ? 'this machine has no non-loopback IPv4 address' : false }, async () => {
    const port = stack.localEndpoint('udp')?.port ?? 0;
    assert.equal(await contactSeenFrom(otherAddress ?? '', port), `<sip:callgrid@${otherAddress ?? ''}:${port}>`);
  });

  it('without a flow it keeps the advertised address', () => {
    const sentBy = stack.sentBy('udp');
    assert.equal(localContact(stack, 'udp'), `<sip:callgrid@${sentBy?.host ?? ''}:${sentBy?.port ?? 0}>`);
  });
});
