// The Params accessors: required values, case-insensitive discriminators, ids
// and JSON payloads, each failing with a clear missing/invalid message.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PbxError } from '../../shared/index.ts';
import { Params } from './params.ts';

const params = (values: Record<string, string>) => new Params(new Map(Object.entries(values)));

function throwsCode(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (error: unknown) => error instanceof PbxError && error.code === code && error.message === message);
}

describe('Params', () => {
  test('get answers the raw value or undefined', () => {
    const p = params({ name: ' Mixed Case ', empty: '' });
    assert.equal(p.get('name'), ' Mixed Case ');
    assert.equal(p.get('empty'), '');
    assert.equal(p.get('nope'), undefined);
  });

  test('require refuses missing, empty and blank values, naming the parameter', () => {
    const p = params({ empty: '', blank: '  ', value: 'x' });
    assert.equal(p.require('value'), 'x');
    for (const name of ['nope', 'empty', 'blank']) throwsCode(() => p.require(name), 'missing_parameter', `No ${name} specified`);
  });

  test('require falls back to an alias, and names the main parameter when both are missing', () => {
    assert.equal(params({ code: 'VMAUTORECOVER' }).require('name', 'code'), 'VMAUTORECOVER');
    assert.equal(params({ name: 'A', code: 'B' }).require('name', 'code'), 'A');
    throwsCode(() => params({}).require('name', 'code'), 'missing_parameter', 'No name specified');
  });

  test('word is trimmed and lower case; blank is undefined', () => {
    const p = params({ action: ' LiSt ', blank: ' ' });
    assert.equal(p.word('action'), 'list');
    assert.equal(p.word('blank'), undefined);
    assert.equal(p.word('nope'), undefined);
    assert.equal(p.requireWord('action'), 'list');
    throwsCode(() => p.requireWord('blank'), 'missing_parameter', 'No blank specified');
  });

  test('requireId accepts positive whole numbers up to 2^31-1', () => {
    assert.equal(params({ objectid: '42' }).requireId('objectid'), 42);
    assert.equal(params({ objectid: ' 007 ' }).requireId('objectid'), 7);
    assert.equal(params({ objectid: '2147483647' }).requireId('objectid'), 2_147_483_647);
    for (const bad of ['0', '-1', '1.0', '1e3', 'abc', '2147483648', '12345678901', '0x10']) {
      throwsCode(() => params({ objectid: bad }).requireId('objectid'), 'invalid_parameter', `Invalid objectid '${bad}': expected a positive whole number`);
    }
    throwsCode(() => params({}).requireId('objectid'), 'missing_parameter', 'No objectid specified');
  });

  test('requireJson parses jsondata, or another named field', () => {
    assert.deepEqual(params({ jsondata: '{"a":[1,"2",null]}' }).requireJson(), { a: [1, '2', null] });
    assert.deepEqual(params({ values: '[{"name":"x"}]' }).requireJson('values'), [{ name: 'x' }]);
    throwsCode(() => params({}).requireJson(), 'missing_parameter', 'No jsondata specified');
    assert.throws(
      () => params({ jsondata: "{'single':'quotes'}" }).requireJson(),
      (error: unknown) => error instanceof PbxError && error.code === 'invalid_parameter' && /^Invalid jsondata: not valid JSON \(.+\)$/.test(error.message),
    );
  });

  test('files are kept apart from values', () => {
    const file = new File(['%PDF'], 'fax.pdf', { type: 'application/pdf' });
    const p = new Params(new Map([['action', 'send']]), new Map([['filename', file]]));
    assert.equal(p.get('filename'), undefined);
    assert.equal(p.files.get('filename'), file);
  });
});
