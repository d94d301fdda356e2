// The write batch: a turn's answers go out together after its I/O, in order, and one failed write keeps no other back.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WriteBatch } from './write-batch.ts';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('WriteBatch', () => {
  test('writes queued in one turn run after it, in the order queued', async () => {
    const done: string[] = [];
    const batch = new WriteBatch((error) => assert.fail(String(error)));
    batch.add(() => done.push('a'));
    await Promise.resolve();
    batch.add(() => done.push('b'));
    assert.deepEqual(done, [], 'nothing is written before the turn ends');
    await nextTurn();
    assert.deepEqual(done, ['a', 'b']);
  });

  test('a throwing write is reported and the others still run', async () => {
    const done: string[] = [];
    const errors: unknown[] = [];
    const batch = new WriteBatch((error) => errors.push(error));
    batch.add(() => done.push('a'));
    batch.add(() => {
      throw new Error('socket gone');
    });
    batch.add(() => done.push('c'));
    await nextTurn();
    assert.deepEqual(done, ['a', 'c']);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /socket gone/);
  });

  test('a write queued while the batch is written goes out in the next turn, not lost', async () => {
    const done: string[] = [];
    const batch = new WriteBatch((error) => assert.fail(String(error)));
    batch.add(() => {
      done.push('first');
      batch.add(() => done.push('later'));
    });
    await nextTurn();
    assert.deepEqual(done, ['first']);
    await nextTurn();
    assert.deepEqual(done, ['first', 'later']);
  });
});
