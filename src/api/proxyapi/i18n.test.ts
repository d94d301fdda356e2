// `language=`: state and disposition labels translated where a table exists.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGES, translator } from './i18n.ts';

describe('translator', () => {
  test('English (no language, or an unknown one) leaves labels as they are', () => {
    for (const language of [undefined, '', 'en', 'fr', 'de_DE']) {
      const t = translator(language);
      assert.equal(t('ANSWERED'), 'ANSWERED', String(language));
      assert.equal(t('NO ANSWER'), 'NO ANSWER', String(language));
    }
  });

  test('Italian and Spanish, with region and case variants', () => {
    for (const language of ['it', 'it_IT', 'it-IT', 'IT', ' it ']) {
      assert.equal(translator(language)('NO ANSWER'), 'NESSUNA RISPOSTA', language);
    }
    for (const language of ['es', 'es_ES', 'ES-mx']) {
      assert.equal(translator(language)('CONGESTION'), 'CONGESTIÓN', language);
    }
  });

  test('every label of a table has a translation in every language', () => {
    const labels = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION', 'UNAVAILABLE', 'NOT_INUSE', 'INUSE', 'RINGING', 'ONHOLD', 'UNKNOWN', 'ABANDONED'];
    for (const language of ['it', 'es']) {
      const t = translator(language);
      for (const label of labels) assert.notEqual(t(label), label, `${language} ${label}`);
    }
  });

  test('a label without translation stays as MiRTA prints it', () => {
    assert.equal(translator('it')('PAUSED'), 'PAUSED');
    assert.equal(translator('it')('answered'), 'answered');
  });

  test('LANGUAGES lists English first, then the tables', () => {
    assert.deepEqual(LANGUAGES, ['en', 'it', 'es']);
  });

  test('labels named like Object.prototype members stay strings', () => {
    for (const label of ['toString', 'constructor', 'valueOf', 'hasOwnProperty']) {
      assert.equal(translator('it')(label), label);
    }
  });
});
