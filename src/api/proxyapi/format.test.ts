// The pure rendering functions of format.ts: plain tables, CSV, XML templates,
// callback and format parsing, and how replies and errors are rendered.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PbxError } from '../../shared/index.ts';
import { csvTable, escapeXml, parseCallback, parseFormat, plainTable, render, renderError, renderTemplate, type Rendering } from './format.ts';
import type { Reply } from './reply.ts';

const PLAIN = 'text/html; charset=UTF-8';
const JSON_TYPE = 'application/json; charset=UTF-8';
const plain: Rendering = { format: 'plain', callback: undefined };
const json: Rendering = { format: 'json', callback: undefined };
const jsonp: Rendering = { format: 'json', callback: 'cb' };

function throwsCode(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (error: unknown) => error instanceof PbxError && error.code === code && error.message === message);
}

describe('plainTable', () => {
  const rows = [
    { number: '100', name: 'Reception', state: null },
    { number: 101, name: 'Sales|EU\r\nteam', state: 'INUSE' },
  ];

  test('one line per row, every field followed by |, header first', () => {
    assert.equal(plainTable(['number', 'name', 'state'], rows, true), 'number|name|state|\n100|Reception||\n101|Sales EU team|INUSE|\n');
  });

  test('without header; missing columns are empty', () => {
    assert.equal(plainTable(['number', 'missing'], rows, false), '100||\n101||\n');
  });

  test('no rows: empty without header, the header alone with it', () => {
    assert.equal(plainTable(['a'], [], false), '');
    assert.equal(plainTable(['a', 'b'], [], true), 'a|b|\n');
  });
});

describe('csvTable', () => {
  test('header row, CRLF line ends, quoting only where needed', () => {
    const rows = [
      { a: 'plain', b: 'two words', c: 'x,y' },
      { a: 'say "hi"', b: 'line\nbreak', c: 42 },
      { a: null, b: '', c: 'tab\there' },
    ];
    assert.equal(csvTable(['a', 'b', 'c'], rows), 'a,b,c\r\nplain,"two words","x,y"\r\n"say ""hi""","line\nbreak",42\r\n,,"tab\there"\r\n');
  });

  test('no rows: an empty body, not the header alone (MiRTA answers 0 bytes; clients look for a comma)', () => {
    assert.equal(csvTable(['uniqueid', 'start time'], []), '');
  });
});

describe('renderTemplate', () => {
  const rows = [
    { uniqueid: 'n1-1.1', src: '100', note: '<b>&"\'' },
    { uniqueid: 'n1-1.2', src: '101', note: null },
  ];

  test('repeats the loop per row, XML-escaping values; \\n in the template is a newline', () => {
    assert.equal(
      renderTemplate('<cdrs>{row_loop}<cdr id="{$uniqueid}" src="{$src}">{$note}</cdr>\\n{/row_loop}</cdrs>', rows),
      '<cdrs><cdr id="n1-1.1" src="100">&lt;b&gt;&amp;&quot;&apos;</cdr>\n<cdr id="n1-1.2" src="101"></cdr>\n</cdrs>',
    );
  });

  test('unknown columns are empty; text outside the loop is kept; several loops', () => {
    assert.equal(renderTemplate('A{row_loop}[{$nope}{$src}]{/row_loop}B{row_loop}{$uniqueid};{/row_loop}', rows), 'A[100][101]Bn1-1.1;n1-1.2;');
  });

  test("names every object inherits are unknown columns too, not the prototype's members", () => {
    assert.equal(renderTemplate('{row_loop}[{$constructor}{$toString}{$__proto__}{$src}]{/row_loop}', rows), '[100][101]');
  });

  test('no rows: the loop disappears', () => {
    assert.equal(renderTemplate('head{row_loop}{$src}{/row_loop}tail', []), 'headtail');
  });

  test('a backslash-n inside a value is kept as is', () => {
    assert.equal(renderTemplate('{row_loop}{$path};{/row_loop}', [{ path: 'C:\\new' }]), 'C:\\new;');
  });
});

describe('escapeXml', () => {
  test('escapes the five XML specials and nothing else', () => {
    assert.equal(escapeXml(`<a href="x">Tom & Jerry's</a> é😀`), '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt; é😀');
  });
});

describe('parseCallback', () => {
  test('empty means no callback', () => {
    assert.equal(parseCallback(undefined), undefined);
    assert.equal(parseCallback(''), undefined);
  });

  test('JavaScript names and dotted paths are accepted', () => {
    for (const name of ['cb', '_x', '$', 'jQuery123_456', 'app.onData', 'a.$b._c', 'x'.repeat(128)]) assert.equal(parseCallback(name), name);
  });

  test('anything else is refused, quoting at most 40 characters', () => {
    for (const name of ['alert(1)//', '1cb', 'a..b', 'a.', 'cb;x', 'a b', 'a-b', 'a[0]', 'é']) {
      throwsCode(() => parseCallback(name), 'invalid_callback', `Invalid callback '${name}': expected a JavaScript function name`);
    }
    throwsCode(() => parseCallback('y'.repeat(129)), 'invalid_callback', `Invalid callback '${'y'.repeat(40)}': expected a JavaScript function name`);
  });
});

describe('parseFormat', () => {
  test('plain by default; names are trimmed and case-insensitive', () => {
    assert.equal(parseFormat(undefined), 'plain');
    assert.equal(parseFormat(''), 'plain');
    assert.equal(parseFormat('  '), 'plain');
    assert.equal(parseFormat(' JSON '), 'json');
    assert.equal(parseFormat('Csv'), 'csv');
    assert.equal(parseFormat('xml'), 'xml');
  });

  test('an unknown format is refused', () => {
    throwsCode(() => parseFormat('yaml'), 'invalid_parameter', "Invalid format 'yaml': expected plain, json, xml or csv (recordings: mp3 or wav)");
  });
});

describe('render', () => {
  const value: Reply = { kind: 'value', plain: 'OK|1|', json: { result: 'OK' }, csv: 'result\r\nOK\r\n' };
  const table: Reply = { kind: 'table', columns: ['id', 'name'], rows: [{ id: 1, name: 'a b' }], header: true, formats: ['plain', 'csv'] };

  test('a value in plain, json, JSONP and a format it offers', () => {
    assert.deepEqual(render(value, plain, 'X'), { body: 'OK|1|', contentType: PLAIN });
    assert.deepEqual(render(value, json, 'X'), { body: '{"result":"OK"}', contentType: JSON_TYPE });
    assert.deepEqual(render(value, jsonp, 'X'), { body: '/**/ cb({"result":"OK"});', contentType: 'application/javascript; charset=UTF-8' });
    assert.deepEqual(render(value, { format: 'csv', callback: undefined }, 'X'), { body: 'result\r\nOK\r\n', contentType: 'text/csv; charset=UTF-8' });
  });

  test('a value without the format asked for', () => {
    throwsCode(() => render(value, { format: 'xml', callback: undefined }, 'SETTING'), 'unsupported_format', 'Format xml is not available for SETTING');
  });

  test('an undefined JSON value renders as null', () => {
    assert.deepEqual(render({ kind: 'value', plain: '', json: undefined }, json, 'X'), { body: 'null', contentType: JSON_TYPE });
  });

  test('a table in plain, csv and json; other formats refused', () => {
    assert.deepEqual(render(table, plain, 'T'), { body: 'id|name|\n1|a b|\n', contentType: PLAIN });
    assert.deepEqual(render(table, { format: 'csv', callback: undefined }, 'T'), { body: 'id,name\r\n1,"a b"\r\n', contentType: 'text/csv; charset=UTF-8' });
    assert.deepEqual(render(table, json, 'T'), { body: '[{"id":1,"name":"a b"}]', contentType: JSON_TYPE });
    throwsCode(() => render(table, { format: 'xml', callback: undefined }, 'T'), 'unsupported_format', 'Format xml is not available for T');
    throwsCode(() => render({ ...table, formats: ['csv'] }, plain, 'T'), 'unsupported_format', 'Format plain is not available for T');
  });

  test('json replies are JSON whatever the format; html replies are HTML', () => {
    assert.deepEqual(render({ kind: 'json', json: [1] }, plain, 'M'), { body: '[1]', contentType: JSON_TYPE });
    assert.deepEqual(render({ kind: 'html', html: '<pre>x</pre>' }, json, 'H'), { body: '<pre>x</pre>', contentType: PLAIN });
  });
});

describe('renderError', () => {
  const error = new PbxError('not_found', 'Setting X is not set');

  test('plain text with a newline, before a rendering is known too', () => {
    assert.deepEqual(renderError(error, plain), { body: 'Setting X is not set\n', contentType: PLAIN });
    assert.deepEqual(renderError(error, undefined), { body: 'Setting X is not set\n', contentType: PLAIN });
    assert.deepEqual(renderError(error, { format: 'csv', callback: undefined }), { body: 'Setting X is not set\n', contentType: PLAIN });
  });

  test('a JSON string in json, wrapped in JSONP', () => {
    assert.deepEqual(renderError(error, json), { body: '"Setting X is not set"', contentType: JSON_TYPE });
    assert.deepEqual(renderError(error, jsonp), { body: '/**/ cb("Setting X is not set");', contentType: 'application/javascript; charset=UTF-8' });
  });

  test('markup in a plain error message is not live HTML', () => {
    const { body, contentType } = renderError(new PbxError('invalid_parameter', "Invalid format '<script>alert(1)</script>'"), plain);
    assert.ok(contentType !== PLAIN || !body.includes('<script>'), body);
  });
});
