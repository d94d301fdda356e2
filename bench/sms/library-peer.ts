// The peer of the SMS benchmark: the `smpp` library alone, no PBX: one transceiver session, submit_sm kept `window`
// deep, each receipt answered and matched to a submitted id (the SMSC answers hex, receipts say decimal).
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';

interface Pdu {
  readonly command_status: number;
  readonly esm_class?: number;
  readonly message_id?: string;
  readonly short_message?: { message?: string };
  response(): Pdu;
}
interface Session extends EventEmitter {
  bind_transceiver(options: Record<string, unknown>, callback: (pdu: Pdu) => void): void;
  submit_sm(options: Record<string, unknown>, callback: (pdu: Pdu) => void): void;
  send(pdu: Pdu): void;
  destroy(): void;
  readonly socket: { setNoDelay(noDelay?: boolean): unknown };
}
const smpp = createRequire(import.meta.url)('smpp') as { connect(options: { host: string; port: number }): Session };

export interface PeerResult {
  readonly sent: number;
  readonly matched: number;
  readonly seconds: number;
}

export async function runLibraryPeer(port: number, count: number, window: number): Promise<PeerResult> {
  const session = smpp.connect({ host: '127.0.0.1', port });
  session.on('error', () => undefined);
  // As ours does: without it Nagle's algorithm holds small PDUs back (the pump's bursts hide it, mostly).
  session.socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () =>
      session.bind_transceiver({ system_id: 'bench', password: 'bench' }, (pdu) => (pdu.command_status === 0 ? resolve() : reject(new Error(`bind ${pdu.command_status}`)))),
    );
  });
  const waiting = new Set<string>();
  let matched = 0;
  let sent = 0;
  let inFlight = 0;
  const started = performance.now();
  return new Promise((resolve) => {
    const finish = () => {
      const seconds = (performance.now() - started) / 1000;
      session.destroy();
      resolve({ sent, matched, seconds });
    };
    session.on('deliver_sm', (pdu: Pdu) => {
      session.send(pdu.response());
      const id = /id:(\S+)/.exec(pdu.short_message?.message ?? '')?.[1];
      const hex = id === undefined ? '' : BigInt(id).toString(16).toUpperCase().padStart(8, '0');
      if (waiting.delete(hex)) matched += 1;
      if (matched === count) finish();
    });
    const pump = () => {
      while (inFlight < window && sent < count) {
        inFlight += 1;
        const n = sent++;
        session.submit_sm({ source_addr: '41440000100', destination_addr: '41791234567', registered_delivery: 1, short_message: `bench ${n}` }, (pdu) => {
          inFlight -= 1;
          if (pdu.command_status === 0 && pdu.message_id !== undefined) waiting.add(pdu.message_id);
          pump();
        });
      }
    };
    pump();
  });
}
