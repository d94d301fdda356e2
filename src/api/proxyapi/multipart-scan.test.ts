// The quick look into multipart bodies reads what a full parse reads, for the parts it looks at.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { multipartBoundary, multipartPartCount, multipartTextField } from './multipart-scan.ts';

/** A body as a browser or curl writes it, and the boundary it used. */
async function encode(parts: Array<[string, string | Blob, string?]>): Promise<{ body: Buffer; boundary: string }> {
  const form = new FormData();
  for (const [name, value, file] of parts) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, value, file);
  }
  const response = new Response(form);
  const boundary = multipartBoundary(response.headers.get('content-type') ?? '');
  assert.ok(boundary);
  return { body: Buffer.from(await response.arrayBuffer()), boundary };
}

describe('multipart scan', () => {
  test('the boundary, quoted or not', () => {
    assert.equal(multipartBoundary('multipart/form-data; boundary=abc123'), 'abc123');
    assert.equal(multipartBoundary('Multipart/Form-Data; charset=utf-8; BOUNDARY="a b;c"'), 'a b;c');
    assert.equal(multipartBoundary('multipart/form-data'), undefined);
  });

  test('counts the parts, stopping past the maximum', async () => {
    const { body, boundary } = await encode([['a', '1'], ['b', '2'], ['f', new Blob(['x']), 'f.wav']]);
    assert.equal(multipartPartCount(body, boundary, 1000), 3);
    const many = await encode(Array.from({ length: 50 }, (_, i): [string, string] => [`p${i}`, 'v']));
    assert.equal(multipartPartCount(many.body, many.boundary, 10), 11);
  });

  test('finds the last text field of a name, skipping files of that name, as the full parse does', async () => {
    const { body, boundary } = await encode([['key', 'first'], ['tenant', 'ACME'], ['key', 'sécond\r\nline'], ['key', new Blob(['not a key']), 'key.txt']]);
    assert.equal(multipartTextField(body, boundary, 'key', 1000), 'sécond\r\nline');
    assert.equal(multipartTextField(body, boundary, 'tenant', 1000), 'ACME');
    assert.equal(multipartTextField(body, boundary, 'nope', 1000), undefined);
    assert.equal(multipartTextField(body, boundary, 'ke', 1000), undefined);
    const full = await new Response(body, { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }).formData();
    assert.deepEqual(full.getAll('key').filter((v) => typeof v === 'string'), ['first', 'sécond\r\nline']);
  });
});
