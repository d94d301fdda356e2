// Digest responses checked against values worked out by others: the examples of RFC 2617 §3.5 and RFC 7616 §3.9.1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeDigestResponse } from './digest-algorithm.ts';

test('RFC 2617 §3.5: Mufasa / Circle Of Life, MD5, qop=auth', () => {
  const response = computeDigestResponse({
    algorithm: 'MD5',
    username: 'Mufasa',
    realm: 'testrealm@host.com',
    password: 'Circle Of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
    qop: { nc: '00000001', cnonce: '0a4f113b' },
  });
  assert.equal(response, '6629fae49393a05397450978507c4ef1');
});

test('RFC 7616 §3.9.1: the same request answered with SHA-256 and with MD5', () => {
  const input = {
    username: 'Mufasa',
    realm: 'http-auth@example.org',
    password: 'Circle of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    qop: { nc: '00000001', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ' },
  };
  assert.equal(computeDigestResponse({ ...input, algorithm: 'SHA-256' }), '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  assert.equal(computeDigestResponse({ ...input, algorithm: 'MD5' }), '8ca523f5e9506fed4657c9700eebdbec');
});

test('RFC 2069 form (no qop): H(HA1:nonce:HA2)', () => {
  // HA1 and HA2 of RFC 2617 §3.5's example, combined without qop (value computed with an independent md5sum).
  const response = computeDigestResponse({
    algorithm: 'MD5',
    username: 'Mufasa',
    realm: 'testrealm@host.com',
    password: 'Circle Of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
  });
  assert.equal(response, '670fd8c2df070c60b045671b8b24ff02');
});
