// UDP plumbing for the registration bench: free SIP ports and an OPTIONS ping that tells when a SIP server answers.
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { freePort } from '../support.ts';

/** True when `port` can be bound for UDP on `host` right now. */
function udpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

/**
 * A port free for both TCP (asked of the kernel) and UDP on every address: SIP servers bind UDP, and Callgrid
 * may bind TCP/WS on the same number, so one that is free on both sides is taken. The race until the server
 * binds it is as small as in support.ts's freePort and accepted for the same reason.
 */
export async function freeSipPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort();
    if ((await udpFree(port, '0.0.0.0')) && (await udpFree(port, '127.0.0.1'))) return port;
  }
  throw new Error('no port free for both TCP and UDP');
}

/**
 * Sends one OPTIONS to host:port and resolves true if any SIP response comes back within timeoutMs. Any status
 * counts (a 404 or 405 too): the question is only whether the SIP socket is served yet.
 */
export function sipPing(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('error', () => done(false));
    socket.on('message', (data) => {
      if (data.toString('latin1').startsWith('SIP/2.0 ')) done(true);
    });
    socket.bind(0, '127.0.0.1', () => {
      const local = socket.address();
      const tag = randomBytes(6).toString('hex');
      const message = [
        `OPTIONS sip:${host}:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local.port};branch=z9hG4bK${tag};rport`,
        'Max-Forwards: 70',
        `From: <sip:bench@127.0.0.1>;tag=${tag}`,
        `To: <sip:${host}:${port}>`,
        `Call-ID: ${tag}@bench`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      socket.send(message, port, host);
    });
  });
}
