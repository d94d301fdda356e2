// Test support for the transport tests: a TransportListener that records what it gets,
// a bounded wait, and a throwaway self-signed certificate for the TLS and WSS variants.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Endpoint } from './endpoint.ts';
import type { InboundPacket, TlsCredentials, TransportErrorEvent, TransportListener } from './transport.ts';

export class RecordingListener implements TransportListener {
  readonly packets: InboundPacket[] = [];
  readonly errors: TransportErrorEvent[] = [];
  readonly closedFlows: Array<{ flowId: string; remote: Endpoint }> = [];

  onPacket(packet: InboundPacket): void {
    this.packets.push(packet);
  }

  onError(error: TransportErrorEvent): void {
    this.errors.push(error);
  }

  onFlowClosed(flowId: string, remote: Endpoint): void {
    this.closedFlows.push({ flowId, remote });
  }

  texts(): string[] {
    return this.packets.map((packet) => packet.data.toString('utf8'));
  }
}

/** Polls until `condition` holds; fails the test after `timeoutMs` instead of hanging it. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function sipMessage(body = '', options: { contentLength?: boolean; compact?: boolean; callId?: string } = {}): string {
  const lengthHeader = options.contentLength === false ? '' : `${options.compact ? 'l' : 'Content-Length'}: ${Buffer.byteLength(body)}\r\n`;
  return (
    'OPTIONS sip:pbx.example.com SIP/2.0\r\n' +
    'Via: SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bK-test\r\n' +
    `Call-ID: ${options.callId ?? 'call-1'}\r\n` +
    'CSeq: 1 OPTIONS\r\n' +
    lengthHeader +
    '\r\n' +
    body
  );
}

/** A self-signed certificate for CN=localhost, made with openssl in a temp dir that is removed at once. */
export function selfSignedCertificate(): TlsCredentials & { readonly cert: Buffer; readonly key: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'callgrid-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', keyPath, '-out', certPath], {
      stdio: 'ignore',
    });
    return { cert: readFileSync(certPath), key: readFileSync(keyPath) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
