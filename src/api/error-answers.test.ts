// The error funnel: one PbxError, each edge's answer (proxyapi.php, openapi.php, the server's plain text).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PbxError } from '../shared/index.ts';
import { BAD_KEY_TEXT, knownError, methodNotAllowed, mirtaAnswer, openApiAnswer, plainAnswer } from './error-answers.ts';
import { RequestTooLarge } from './request-body.ts';

const JSON_TYPE = { 'Content-Type': 'application/json; charset=UTF-8' };

describe('error answers', () => {
  test('anything thrown that is not a PbxError is reported once and answered as an internal error on every edge', () => {
    const reported: unknown[] = [];
    const fault = new TypeError('x is undefined');
    const error = knownError(fault, (caught) => reported.push(caught));
    assert.deepEqual(reported, [fault]);
    assert.deepEqual(plainAnswer(error), { status: 500, headers: { 'Content-Type': 'text/plain; charset=UTF-8', 'X-Callgrid-Error': 'internal' }, body: 'Internal error\n' });
    assert.deepEqual(openApiAnswer(error, JSON_TYPE), {
      status: 500,
      headers: { ...JSON_TYPE, 'X-Callgrid-Error': 'internal_error' },
      body: '{"error":{"code":"internal_error","message":"Internal error."}}',
    });
    const mirta = mirtaAnswer(error);
    assert.equal(mirta.status, 500);
    assert.equal(mirta.shown.message, 'Internal error');
    const known = new PbxError('conflict', 'Extension 100 exists');
    assert.equal(knownError(known, () => assert.fail('a PbxError is expected, not reported')), known);
  });

  test('a bad key reads the same whatever its reason: MiRTA text on proxyapi.php (HTTP 200), Invalid API key. on openapi.php (401)', () => {
    const error = new PbxError('bad_key', 'Tenant ACME is disabled');
    const mirta = mirtaAnswer(error);
    assert.equal(mirta.status, 200);
    assert.equal(mirta.shown.message, BAD_KEY_TEXT);
    assert.deepEqual(mirta.headers, { 'X-Callgrid-Error': 'bad_key' });
    const open = openApiAnswer(error, JSON_TYPE);
    assert.equal(open.status, 401);
    assert.equal(open.body, '{"error":{"code":"invalid_api_key","message":"Invalid API key."}}');
    assert.equal(Buffer.byteLength(open.body), 65, '§5.6: the observed 65-byte body');
  });

  test('Allow and Retry-After ride on the error to every edge', () => {
    const refused = methodNotAllowed('Method PUT not allowed; use GET or POST', ['GET', 'POST']);
    assert.deepEqual(plainAnswer(refused), {
      status: 405,
      headers: { 'Content-Type': 'text/plain; charset=UTF-8', Allow: 'GET, POST', 'X-Callgrid-Error': 'method_not_allowed' },
      body: 'Method PUT not allowed; use GET or POST\n',
    });
    assert.equal(openApiAnswer(refused, JSON_TYPE).headers.Allow, 'GET, POST');
    const banned = new PbxError('too_many_auth_failures', 'Too many bad keys', { retryAfterSeconds: 300 });
    assert.deepEqual(mirtaAnswer(banned).headers, { 'X-Callgrid-Error': 'too_many_auth_failures', 'Retry-After': '300' });
    assert.equal(mirtaAnswer(banned).status, 429);
    assert.equal(openApiAnswer(banned, JSON_TYPE).headers['Retry-After'], '300');
  });

  test('a body over the cap is 413 on both APIs; proxyapi.php keeps the code it carries', () => {
    const error = new RequestTooLarge('Request body too large: at most 10 bytes');
    const mirta = mirtaAnswer(error);
    assert.equal(mirta.status, 413);
    assert.equal(mirta.headers['X-Callgrid-Error'], 'invalid_parameter');
    const open = openApiAnswer(error, JSON_TYPE);
    assert.equal(open.status, 413);
    assert.equal(open.body, '{"error":{"code":"payload_too_large","message":"Request body too large: at most 10 bytes."}}');
  });

  test("openapi.php's own refusals are PbxError codes with §5.6's names and statuses", () => {
    const cases: Array<[PbxError, number, string]> = [
      [new PbxError('missing_api_key', 'Missing API key.'), 401, 'missing_api_key'],
      [new PbxError('tenant_required', 'needs tenant'), 400, 'tenant_required'],
      [new PbxError('tenant_not_found', 'Tenant X not found.'), 404, 'tenant_not_found'],
      [new PbxError('unknown_path', 'Not found: /x.'), 404, 'not_found'],
      [new PbxError('not_found', 'Extension 9 not found'), 404, 'object_not_found'],
      [new PbxError('missing_parameter', 'Missing number'), 400, 'missing_required_field'],
      [new PbxError('invalid_parameter', 'Invalid limit'), 400, 'invalid_field'],
      [new PbxError('extension_not_found', 'Extension not found.'), 404, 'extension_not_found'],
      [new PbxError('not_implemented', 'Not implemented: /dial'), 501, 'not_implemented'],
    ];
    for (const [error, status, code] of cases) {
      const answer = openApiAnswer(error, JSON_TYPE);
      assert.equal(answer.status, status, error.code);
      assert.equal(answer.headers['X-Callgrid-Error'], code);
      assert.deepEqual(JSON.parse(answer.body), { error: { code, message: error.message } });
      assert.equal(mirtaAnswer(error).status, 200, `${error.code}: MiRTA answers 200`);
    }
  });
});
