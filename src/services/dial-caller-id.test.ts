import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDialCallerId } from './dial-caller-id.ts';

const parse = (text: string) => parseDialCallerId('sourceclid', text);

describe('DIAL caller id as Asterisk reads CALLERID(all)', () => {
  test('name <number>, "name" <number>, a bare number, a bare name', () => {
    assert.deepEqual(parse('Sales <0612345>'), { name: 'Sales', number: '0612345' });
    assert.deepEqual(parse('"Sales, EU" <+39 02 1234>'), { name: 'Sales, EU', number: '+39021234' });
    assert.deepEqual(parse('<0612>'), { name: '', number: '0612' });
    assert.deepEqual(parse('07377777'), { name: '', number: '07377777' });
    assert.deepEqual(parse('(061) 234-56'), { name: '', number: '06123456' });
    assert.deepEqual(parse('Sales 0612'), { name: 'Sales 0612', number: '' });
    assert.deepEqual(parse('"0612"'), { name: '0612', number: '' }, 'quoted text is a name');
    assert.deepEqual(parse('"Ann \\"Boss\\"" <100'), { name: 'Ann "Boss"', number: '100' }, 'a missing > is forgiven, escapes undone');
  });

  test('a click-to-dial helper\'s `0475123456<Dial:>`: the name is shown, `Dial:` is no number', () => {
    assert.deepEqual(parse('0475123456<Dial:>'), { name: '0475123456', number: '' });
    assert.deepEqual(parse('<Reception>'), { name: 'Reception', number: '' });
    assert.deepEqual(parse('x <999@evil>;tag=1'), { name: 'x', number: '' });
  });

  test('control characters and overlong text are refused, naming the parameter', () => {
    assert.throws(() => parseDialCallerId('destclid', 'Ann\r\nVia: x <1>'), /Invalid destclid: at most 80 characters, no control characters/);
    assert.throws(() => parse('x'.repeat(81)), /Invalid sourceclid/);
  });
});
