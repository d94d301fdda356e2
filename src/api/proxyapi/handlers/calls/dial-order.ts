// DIAL's parameters (spec §2.16, and the OpenAPI /dial body of §5) as the call service's DialOrder: aliases resolved,
// words and numbers checked, each bad one refused with its name.
import type { DialOrder } from '../../../../services/index.ts';
import { PbxError } from '../../../../shared/index.ts';
import type { Params } from '../../params.ts';
import { yes } from './yes-no.ts';

const RECORDING = ['yes', 'no', 'yeschange', 'nochange'] as const;

function seconds(params: Params, name: string, max: number): number | undefined {
  const text = params.get(name)?.trim();
  if (!text) return undefined;
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1 || Number(text) > max) throw new PbxError('invalid_parameter', `Invalid ${name} '${text.slice(0, 40)}': expected whole seconds from 1 to ${max}`);
  return Number(text);
}

/**
 * `var=a=1,b=2` (OpenAPI's comma list) or `var=a%3D1%26b%3D2` (the URL-encoded form of spec §2.16, `&` between
 * pairs once decoded); the first `=` of a pair splits. And OpenAPI's `vars={"a":"1"}`.
 */
function variables(params: Params): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const item of (params.get('var') ?? '').split(/[,&]/)) {
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new PbxError('invalid_parameter', `Invalid var '${item.slice(0, 40)}': expected name=value (several: a=1,b=2)`);
    out.push([item.slice(0, eq).trim(), item.slice(eq + 1)]);
  }
  if (params.get('vars')?.trim()) {
    const vars = params.requireJson('vars');
    if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) throw new PbxError('invalid_parameter', 'Invalid vars: expected a JSON object of name: value');
    for (const [name, value] of Object.entries(vars)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new PbxError('invalid_parameter', `Invalid vars ${name.slice(0, 40)}: expected a string or number`);
      out.push([name, String(value)]);
    }
  }
  return out;
}

export function dialOrder(params: Params): DialOrder {
  const text = (name: string) => params.get(name)?.trim() || undefined;
  const recording = params.word('recording');
  if (recording !== undefined && !(RECORDING as readonly string[]).includes(recording)) throw new PbxError('invalid_parameter', `Invalid recording '${params.get('recording')}': expected ${RECORDING.join(', ')}`);
  const server = text('server');
  if (server !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(server)) throw new PbxError('invalid_parameter', `Invalid server '${server.slice(0, 40)}': expected a node name`);
  const source = text('source') ?? text('exten') ?? text('?exten');
  if (!source) throw new PbxError('missing_parameter', 'No source specified');
  const destination = text('dest') ?? text('phone');
  if (!destination) throw new PbxError('missing_parameter', 'No dest specified');
  return {
    source,
    destination,
    account: text('account'),
    variables: variables(params),
    dialTimeoutSeconds: seconds(params, 'dialtimeout', 600) ?? 30,
    maxDurationSeconds: seconds(params, 'timeout', 86_400),
    sourceCallerId: text('sourceclid'),
    destinationCallerId: text('destclid'),
    recording: recording as DialOrder['recording'],
    server,
    autoAnswer: yes(params, 'autoanswer'),
    noFollow: yes(params, 'nofollow'),
    logQueueOutbound: yes(params, 'logqueueoutbound'),
  };
}
