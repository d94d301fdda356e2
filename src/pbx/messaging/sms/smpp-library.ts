// The part of the `smpp` npm library (farhadi/node-smpp, CommonJS, untyped) the SMPP driver uses, typed here once.
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';

/** A decoded PDU: the header fields, then each parameter and TLV by its SMPP name. */
export interface SmppPdu {
  readonly command: string;
  readonly command_status: number;
  readonly sequence_number: number;
  readonly [field: string]: unknown;
  response(options?: Record<string, unknown>): SmppPdu;
}

export interface SmppLibrarySession extends EventEmitter {
  /** Sends a PDU; the callback gets the answer with the same sequence_number. False when the socket is not writable. */
  send(pdu: SmppPdu, onResponse?: (pdu: SmppPdu) => void): boolean;
  close(): void;
  destroy(): void;
  readonly socket: Socket;
}

interface SmppLibrary {
  connect(options: { host: string; port: number }): SmppLibrarySession;
  PDU: new (command: string, options: Record<string, unknown>) => SmppPdu;
  errors: Readonly<Record<string, number>>;
}

const library = createRequire(import.meta.url)('smpp') as SmppLibrary;

export function connectSmpp(host: string, port: number): SmppLibrarySession {
  const session = library.connect({ host, port });
  // Each PDU goes out at once: Nagle's algorithm would hold a submit_sm back until the previous one is acknowledged.
  // The PDUs written within one tick still leave in one write: the socket is corked until the tick ends.
  const socket = session.socket;
  socket.setNoDelay(true);
  const send = session.send.bind(session);
  let corked = false;
  session.send = (pdu, onResponse) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return send(pdu, onResponse);
  };
  return session;
}
export const smppPdu = (command: string, fields: Record<string, unknown>): SmppPdu => new library.PDU(command, fields);

const ERROR_NAMES = new Map(Object.entries(library.errors).map(([name, code]) => [code, name] as const));

/** ESME_RTHROTTLED (0x58) and the like, for error messages. */
export const smppStatusName = (status: number): string => `${ERROR_NAMES.get(status) ?? 'status'} (0x${status.toString(16).padStart(8, '0')})`;

export const ESME_ROK = 0x00;
export const ESME_RMSGQFUL = 0x14;
export const ESME_RTHROTTLED = 0x58;
export const ESME_RX_T_APPN = 0x64;
export const ESME_RX_P_APPN = 0x65;
export const ESME_RINVDSTADR = 0x0b;
