// Via (RFC 3261 §20.42) and CSeq (§20.16) values.
import { err, ok, type Result } from '../../shared/index.ts';
import { parseParams, serializeParams, validParams } from './params.ts';
import type { CSeq, Via } from './sip-message.ts';

// SIP/2.0/UDP host[:port] ;params — host may be an IPv6 reference in brackets.
const VIA = /^\s*([A-Za-z0-9.!%*_+`'~-]+)\s*\/\s*([A-Za-z0-9.!%*_+`'~-]+)\s*\/\s*([A-Za-z0-9.!%*_+`'~-]+)\s+(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?:\s*:\s*(\d{1,5}))?\s*(;.*)?$/;

export function parseVia(value: string): Result<Via, string> {
  const match = VIA.exec(value);
  if (!match) return err(`malformed Via '${value.slice(0, 80)}'`);
  const [, name = '', version = '', transport = '', rawHost = '', port, rest = ''] = match;
  const params = parseParams(rest);
  if (!params) return err(`malformed Via parameters '${rest.slice(0, 80)}'`);
  const portNumber = port === undefined ? undefined : Number(port);
  if (portNumber !== undefined && (portNumber < 1 || portNumber > 65535)) return err(`Via port out of range: ${port}`);
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  const branch = params.get('branch');
  return ok({
    protocol: `${name.toUpperCase()}/${version}`,
    transport: transport.toUpperCase(),
    host,
    port: portNumber,
    params,
    branch: branch === null ? undefined : branch,
  });
}

/** Whether parseVia would succeed, building nothing (the parser validates every Via on its hot path). */
export function isValidVia(value: string): boolean {
  const match = VIA.exec(value);
  if (!match) return false;
  const port = match[5] === undefined ? 1 : Number(match[5]);
  const rest = match[6];
  return port >= 1 && port <= 65535 && (rest === undefined || validParams(rest));
}

export function serializeVia(via: Via): string {
  const host = via.host.includes(':') ? `[${via.host}]` : via.host;
  return `${via.protocol}/${via.transport} ${host}${via.port === undefined ? '' : `:${via.port}`}${serializeParams(via.params)}`;
}

const CSEQ = /^\s*(\d{1,10})\s+([A-Za-z0-9.!%*_+`'~-]+)\s*$/;

export function parseCSeq(value: string): Result<CSeq, string> {
  const match = CSEQ.exec(value);
  // RFC 3261 §8.1.1.5: the sequence number MUST be expressible as a 32-bit unsigned integer.
  if (!match || Number(match[1]) > 0xffffffff) return err(`malformed CSeq '${value.slice(0, 80)}'`);
  return ok({ seq: Number(match[1]), method: match[2] ?? '' });
}
