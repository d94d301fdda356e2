// The documented examples of §5.4 (test/fixtures/openapi-examples.ts) against the generated schemas
// and the live endpoint: the schema and the service must give the same verdict, and answers must
// match the response schemas. Examples of resources not served yet must answer not_implemented.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../../../test/support/api-harness.ts';
import { expectOpenApiError, openapi } from '../../../test/support/openapi-harness.ts';
import { SPEC_EXAMPLES, type SpecExample } from '../../../test/fixtures/openapi-examples.ts';
import { openApiDocument } from './document.ts';
import { getSchema, listItemSchema, writeSchema } from './object-schemas.ts';
import { RESOURCES, resourceAt, schemaFor, type Resource } from './resource-table.ts';
import { servedBy } from './service-resources.ts';

function resourceOf(example: SpecExample): Resource {
  const segments = example.path.split('?')[0]?.split('/').filter(Boolean) ?? [];
  const found = resourceAt(`${segments[0]}/${segments[1]}`) ?? resourceAt(segments[0] ?? '');
  assert.ok(found, `${example.source}: ${example.path} is a §5.3 path`);
  return found;
}

const without = (request: Record<string, unknown>, fields: readonly string[]) => Object.fromEntries(Object.entries(request).filter(([k]) => !fields.includes(k)));

describe('§5.4 examples', () => {
  let h: Harness;
  let key: string;
  before(async () => {
    h = await createHarness();
    key = (await h.runtime.services.tenants.create({ te_code: 'CANISTRACCI', te_name: 'Canistracci' })).fullKey.key;
  });
  after(() => h.close());

  let spare = 900;
  const send = async (example: SpecExample, request: Record<string, unknown> | undefined) => {
    let path = example.path;
    if (path.includes('{id}')) {
      spare += 1;
      const made = await openapi(h, 'POST', '/extensions?tenant=CANISTRACCI', { key, body: { number: String(spare) } });
      path = path.replace('{id}', String((made.json as { id: number }).id));
    }
    const global = resourceOf(example).scope === 'global';
    return openapi(h, example.method, path, { key: global ? h.adminKey : key, body: request });
  };

  for (const example of SPEC_EXAMPLES) {
    test(example.source, async (t) => {
      const resource = resourceOf(example);
      const schema = schemaFor(resource);
      const served = servedBy(resource);
      if (served?.kind === 'action') {
        // Served through a service (tested in service-*.test.ts): a documented answer or a documented error, never 501.
        const reply = await send(example, example.request);
        const operation = served.action.operations[example.method.toLowerCase()];
        assert.ok(operation, `${example.method} is documented for ${resource.object}`);
        if (reply.status === 200) {
          assert.deepEqual(operation.response.safeParse(reply.json).error?.issues ?? [], []);
          if (example.source.includes('not registered')) assert.deepEqual(reply.json, example.response);
        } else {
          const code = (reply.json as { error?: { code?: string } }).error?.code ?? '';
          assert.ok(operation.errors.includes(code), `${example.source}: ${reply.text}`);
        }
        return;
      }
      if (!schema) {
        t.diagnostic(`${resource.object} is not served yet: no generated schema to check the example against`);
        expectOpenApiError(await send(example, example.request), 501, 'not_implemented', new RegExp(resource.object));
        return;
      }
      assert.ok(example.request, 'catalogue examples are write bodies');
      const body = writeSchema(resource, schema, example.method === 'POST' ? 'create' : 'update');
      const unsupported = example.unsupported ?? [];
      if (unsupported.length > 0) {
        const verdict = body.safeParse(example.request);
        assert.equal(verdict.success, false, 'the schema refuses fields Callgrid does not store');
        const named = verdict.error?.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : [])) ?? [];
        assert.deepEqual([...named].sort(), [...unsupported].sort());
        const refused = await send(example, example.request);
        expectOpenApiError(refused, 400, 'invalid_field', new RegExp(`Unknown field '(${unsupported.join('|')})'`));
      }
      const supported = without(example.request, unsupported);
      assert.deepEqual(body.safeParse(supported).error?.issues ?? [], []);
      const document = openApiDocument('/pbx/openapi.php') as { components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
      const documented = document.components.schemas[`Extension${example.method === 'POST' ? 'Create' : 'Update'}`]?.properties ?? {};
      for (const field of Object.keys(supported)) assert.ok(field in documented, `${field} is in the OpenAPI document`);
      const accepted = await send(example, supported);
      assert.equal(accepted.status, example.method === 'POST' ? 201 : 200, accepted.text);
      assert.deepEqual(getSchema(resource, schema).safeParse(accepted.json).error?.issues ?? [], []);
    });
  }

  test('every example names a §5.3 resource', () => {
    for (const example of SPEC_EXAMPLES) resourceOf(example);
  });
});

/** A value each kind of required column accepts, or undefined when it needs another object first. */
function sample(name: string, spec: { kind: string; values?: readonly string[]; pattern?: { regex: RegExp }; refersTo?: string; max: number }): unknown {
  if (spec.values) return spec.values[0];
  if (spec.refersTo) return undefined;
  if (spec.kind === 'int') return 1;
  if (spec.kind === 'flag') return 'on';
  if (spec.kind === 'yesno') return 'yes';
  if (spec.kind === 'datetime') return '2026-01-01 00:00:00';
  if (spec.kind === 'decimal') return '1.5';
  const candidates = ['100', 'EXT-100', `test-${name}`.slice(0, spec.max), '00:11:22:33:44:55', '001122334455', 'a'];
  return spec.pattern ? candidates.find((c) => spec.pattern?.regex.test(c)) : candidates[2];
}

describe('generated schemas describe what every served object answers', () => {
  test('create, get and list of each served object match their response schemas', async (t) => {
    const h = await createHarness();
    try {
      for (const resource of RESOURCES) {
        const schema = schemaFor(resource);
        if (!schema) continue;
        const global = schema.tenantColumn === null;
        const path = `/${resource.paths[0]}${global ? '' : '?tenant=ACME'}`;
        const key = global ? h.adminKey : h.acme.fullKey;
        const payload = Object.fromEntries(Object.entries(schema.columns).filter(([, spec]) => spec.required).map(([column, spec]) => [column, sample(column, spec)]));
        if (Object.values(payload).includes(undefined)) {
          t.diagnostic(`${resource.object}: a required field needs another object first; create skipped`);
          continue;
        }
        assert.deepEqual(writeSchema(resource, schema, 'create').safeParse(payload).error?.issues ?? [], [], resource.object);
        const made = await openapi(h, 'POST', path, { key, body: payload });
        assert.equal(made.status, 201, `${resource.object}: ${made.text}`);
        assert.deepEqual(getSchema(resource, schema).safeParse(made.json).error?.issues ?? [], [], resource.object);
        const list = await openapi(h, 'GET', path, { key });
        assert.ok(Array.isArray(list.json) && list.json.length === 1, resource.object);
        assert.deepEqual(listItemSchema(resource, schema).safeParse(list.json[0]).error?.issues ?? [], [], resource.object);
      }
    } finally {
      await h.close();
    }
  });
});

describe('the write schema and the service agree', () => {
  // Values chosen at the edges of each column kind: both must accept or both refuse.
  const CASES: ReadonlyArray<Record<string, unknown>> = [
    { number: '100' },
    { number: 99 },
    { number: 'abc' },
    { number: '1'.repeat(33) },
    { number: '101', tech: 'SIP' },
    { number: '102', tech: 'sip' },
    { number: '103', ex_dnd: 'YES' },
    { number: '104', ex_dnd: 'maybe' },
    { number: '105', ex_dnd: true },
    { number: '106', ex_dialtimeout: '30' },
    { number: '107', ex_dialtimeout: 'x' },
    { number: '108', ex_dialtimeout: 2_147_483_648 },
    { number: '109', ex_dailycostlimit: '12.50' },
    { number: '110', ex_dailycostlimit: '12.5.0' },
    { number: '111', ex_token_validity: '2026-06-30 23:59' },
    { number: '112', ex_token_validity: 'tomorrow' },
    { number: '113', ex_datecreation: '2026-01-01 00:00:00' },
    { number: '114', ex_name: 'x'.repeat(256) },
    { number: '115', ex_name: ['a'] },
    { number: '116', callgroups: [1, 2] },
    { number: '117', ex_rp_id: 0 },
    { name: 'no number' },
  ];

  test('on every edge case of the extension create body', async () => {
    const h = await createHarness();
    try {
      const resource = resourceAt('extensions');
      const schema = resource && schemaFor(resource);
      assert.ok(resource && schema);
      const body = writeSchema(resource, schema, 'create');
      for (const input of CASES) {
        const reply = await openapi(h, 'POST', '/extensions?tenant=ACME', { key: h.acme.fullKey, body: input });
        assert.equal(body.safeParse(input).success, reply.status === 201, `${JSON.stringify(input)}: service said ${reply.text.slice(0, 200)}`);
      }
    } finally {
      await h.close();
    }
  });
});
