// /dial (spec §5.4): click-to-call with a JSON body. The body's fields are DIAL's parameters (§2.16) under the same
// names, read by the one DIAL parser (proxyapi's dial-order.ts), so both APIs accept and refuse exactly the same
// orders; the answer is the JSON object proxyapi.php's DIAL gives with format=json.
import { z } from 'zod';
import { PbxError } from '../../shared/index.ts';
import { dialOrder } from '../proxyapi/handlers/calls/dial-order.ts';
import { Params } from '../proxyapi/params.ts';
import type { Action } from './report-actions.ts';

const FIELDS = ['source', 'exten', '?exten', 'dest', 'phone', 'account', 'var', 'vars', 'dialtimeout', 'timeout', 'sourceclid', 'destclid', 'recording', 'server', 'autoanswer', 'nofollow', 'logqueueoutbound'] as const;
const KNOWN: ReadonlySet<string> = new Set(FIELDS);

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const body = z
  .looseObject({
    source: z.union([z.string(), z.number()]).describe('extension number (aliases exten, ?exten); ACCOUNT = the number of account'),
    dest: z.union([z.string(), z.number()]).describe('number to connect the source to (alias phone)'),
    account: z.string().optional().describe('peer name such as 402-ACME; SOURCE (default) = the source\'s own'),
    dialtimeout: z.union([z.number(), z.string()]).optional().describe('seconds the source rings, 1-600 (default 30)'),
    timeout: z.union([z.number(), z.string()]).optional().describe('longest call in seconds'),
    sourceclid: z.string().optional(),
    destclid: z.string().optional(),
    recording: z.string().optional().describe('yes, no, yeschange or nochange'),
    autoanswer: scalar.optional(),
    nofollow: scalar.optional(),
    logqueueoutbound: scalar.optional(),
    server: z.string().optional(),
    var: z.string().optional().describe('a=1,b=2'),
    vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional().describe('variables as an object, tenant-prefixed and listed in VARLIST'),
  })
  .describe('DIAL parameters (proxyapi.php §2.16) as JSON');
const answer = z.strictObject({ Response: z.literal('Success'), Message: z.string(), ID: z.string(), source: z.string(), dest: z.string(), server: z.string(), node: z.string() });

/** The JSON body as DIAL's parameters: numbers as their text, booleans yes/no, `vars` as its JSON text. */
function paramsOf(fields: Record<string, unknown>): Params {
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(fields)) {
    if (!KNOWN.has(name)) throw new PbxError('invalid_parameter', `Unknown field '${name.slice(0, 40)}' for /dial; the fields are ${FIELDS.join(', ')}`);
    if (value === null || value === undefined) continue;
    if (name === 'vars') {
      if (typeof value !== 'object' || Array.isArray(value)) throw new PbxError('invalid_parameter', 'Invalid vars: expected a JSON object of name: value');
      values.set(name, JSON.stringify(value));
    } else if (typeof value === 'boolean') values.set(name, value ? 'yes' : 'no');
    else if (typeof value === 'string' || typeof value === 'number') values.set(name, String(value));
    else throw new PbxError('invalid_parameter', `Invalid ${name}: expected text or a number`);
  }
  return new Params(values);
}

export const dialAction: Action = {
  operations: {
    post: {
      summary: 'Click-to-call: rings source, then connects it to dest (proxyapi.php DIAL). Needs a full (not read-only) key and tenant=.',
      body,
      response: answer,
      errors: ['tenant_required', 'missing_parameter', 'invalid_parameter', 'not_found', 'conflict', 'not_implemented', 'invalid_json'],
    },
  },
  async handle(call) {
    if (call.rest.length > 0) throw new PbxError('unknown_path', `Not found: /dial/${call.rest.join('/')}.`);
    const tenant = call.caller.tenant;
    if (tenant === undefined || tenant === null) throw new PbxError('tenant_required', '/dial needs tenant=<tenant code>, also with the global key.');
    const order = dialOrder(paramsOf(await call.body()));
    const result = await call.services.calls.originate(tenant.te_id, tenant.te_code, order);
    return { status: 200, json: { Response: 'Success', Message: 'Originate successfully queued', ID: result.id, source: result.source, dest: result.destination, server: result.node, node: result.node } };
  },
};
