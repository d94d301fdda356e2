// CdrWriter against the real store (SQLite always, PostgreSQL when CALLGRID_TEST_PG_URL is set): a finished
// call reads back through the CdrRepository as INFO cdrs/simplecdrs would; a failing sink never throws.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onEveryEngine, storeTest, twoTenants } from '../../../test/support/store-engines.ts';
import type { CallRecord } from './call-record.ts';
import { BatchingCdrSink } from './batching-cdr-sink.ts';
import { CdrWriter, type CdrSink } from './cdr-writer.ts';

const at = (time: string): Date => new Date(`2026-05-04T${time}Z`);

function forwardedCall(tenantId: number): CallRecord {
  return {
    tenantId,
    tenantCode: 'ACME',
    linkedId: 'n1-1777000000.1',
    direction: 'IN',
    originateId: '',
    sipCallId: 'call-1@192.0.2.7',
    caller: { number: '5559999', name: "O'Brien", extension: '', account: '' },
    dialled: '390212345',
    startedAt: at('10:00:00'),
    endedAt: at('10:02:00'),
    attempts: [
      {
        uniqueId: 'n1-1777000000.1',
        dstChannel: 'PJSIP/101-ACME-00000001',
        destination: '101',
        landed: { kind: 'EXT', label: '101' },
        peerAccount: '101-ACME',
        startedAt: at('10:00:00'),
        endedAt: at('10:00:20'),
        disposition: 'NO ANSWER',
      },
      {
        uniqueId: 'n1-1777000020.2',
        dstChannel: 'PJSIP/102-ACME-00000002',
        destination: '102',
        landed: { kind: 'EXT', label: '102' },
        peerAccount: '102-ACME',
        startedAt: at('10:00:20'),
        endedAt: at('10:02:00'),
        disposition: 'ANSWERED',
        answeredAt: at('10:00:30'),
      },
    ],
  };
}

onEveryEngine('CdrWriter', (open) => {
  const it = storeTest(open);

  it('writes one CDR per leg and one simple CDR, read back as INFO cdrs/simplecdrs would, inside the tenant', async (store) => {
    const [acme, globex] = await twoTenants(store);
    const writer = new CdrWriter(store.cdrs);
    await writer.write(forwardedCall(acme));
    assert.deepEqual([writer.written, writer.failed], [3, 0]);

    const rows = await store.cdrs.list({ tenantIds: [acme], linkedids: ['n1-1777000000.1'] });
    assert.deepEqual(
      rows.map((r) => [r.te_id, r.accountcode, r.uniqueid, r.prevuniqueid, r.dst, r.firstdst, r.lastdst, r.wherelanded, r.disposition, r.start, r.answer, r.end, Number(r.duration), Number(r.billsec)]),
      [
        [acme, 'ACME', 'n1-1777000000.1', '', '101', '390212345', '102', 'EXT:101', 'NO ANSWER', '2026-05-04 10:00:00', null, '2026-05-04 10:00:20', 20, 0],
        [acme, 'ACME', 'n1-1777000020.2', 'n1-1777000000.1', '102', '390212345', '102', 'EXT:102', 'ANSWERED', '2026-05-04 10:00:20', '2026-05-04 10:00:30', '2026-05-04 10:02:00', 100, 90],
      ],
    );
    const [first] = rows;
    assert.deepEqual(
      [first?.clid, first?.src, first?.realsrc, first?.userfield, first?.lastapp, first?.srcCallID, first?.peeraccount, first?.dcontext, first?.cc_cost],
      [`"O'Brien" <5559999>`, '5559999', '5559999', '[inbound]', 'Dial', 'call-1@192.0.2.7', '101-ACME', 'ACME', ''],
    );
    const phone = async (number: string) => (await store.cdrs.list({ tenantIds: [acme], directions: ['IN'], phones: [number] })).map((r) => r.uniqueid);
    assert.deepEqual(await phone('101'), ['n1-1777000000.1'], 'dst of the first leg only');
    assert.deepEqual(await phone('102'), ['n1-1777000000.1', 'n1-1777000020.2'], 'lastdst is on every row of the call');
    assert.deepEqual(await store.cdrs.list({ tenantIds: [globex] }), [], 'another tenant sees nothing');

    const simple = await store.cdrs.listSimple({ tenantIds: [acme] });
    assert.equal(simple.length, 1);
    const row = simple[0]!;
    assert.deepEqual(
      [row.tenantcode, row.sc_start, row.sc_direction, row.sc_calleridnum, row.sc_calleridname, row.sc_dialednum, row.sc_disposition, Number(row.sc_duration), Number(row.sc_billsec), row.sc_uniqueid, row.sc_whoanswered],
      ['ACME', '2026-05-04 10:00:00', 'IN', '5559999', "O'Brien", '390212345', 'ANSWERED', 120, 90, 'n1-1777000000.1', '102'],
    );
    assert.deepEqual(await store.cdrs.listSimple({ tenantIds: [globex] }), []);
  });

  it('a caller name longer than the column is cut, not refused (PostgreSQL enforces varchar widths)', async (store) => {
    const [acme] = await twoTenants(store);
    const writer = new CdrWriter(store.cdrs);
    const record = forwardedCall(acme);
    await writer.write({ ...record, caller: { ...record.caller, name: 'N'.repeat(400), number: '9'.repeat(100) } });
    assert.deepEqual([writer.written, writer.failed], [3, 0]);
    const [simple] = await store.cdrs.listSimple({ tenantIds: [acme] });
    assert.equal(simple?.sc_calleridname.length, 255);
  });

  it('a row the store refuses is counted, the other rows are still written', async (store) => {
    const [acme] = await twoTenants(store);
    const writer = new CdrWriter(store.cdrs);
    // A tenant id that does not exist: every insert breaks the foreign key.
    await assert.doesNotReject(writer.write(forwardedCall(acme + 1000)));
    assert.deepEqual([writer.written, writer.failed], [0, 3]);
    await writer.write(forwardedCall(acme));
    assert.deepEqual([writer.written, writer.failed], [3, 3]);
  });
});

test('CdrWriter: a failing sink never makes write() throw; failures are counted and logged', async () => {
  const logged: unknown[] = [];
  const logger = { error: (...args: unknown[]) => logged.push(args) } as unknown as ConstructorParameters<typeof CdrWriter>[1];
  let simpleCalls = 0;
  const sink: CdrSink = {
    insert: (_tenantId, cdr) => (cdr.uniqueid === 'n1-1777000000.1' ? Promise.reject(new Error('connection reset')) : Promise.resolve(cdr)),
    insertSimple: () => {
      simpleCalls++;
      throw new Error('synchronous throw');
    },
  };
  const writer = new CdrWriter(sink, logger);
  await assert.doesNotReject(writer.write(forwardedCall(1)));
  assert.deepEqual([writer.written, writer.failed, simpleCalls], [1, 2, 1], 'the second leg is still written after the first failed');
  assert.equal(logged.length, 2);

  // A record that cannot be mapped (an invalid date) is counted too.
  await assert.doesNotReject(writer.write({ ...forwardedCall(1), startedAt: new Date(Number.NaN) }));
  assert.equal(writer.failed, 3);
});

onEveryEngine('BatchingCdrSink', (open) => {
  const it = storeTest(open);
  const call = (tenantId: number, n: number): CallRecord => {
    const record = forwardedCall(tenantId);
    return { ...record, linkedId: `n1-1777000000.${n}`, attempts: record.attempts.map((a, i) => ({ ...a, uniqueId: `n1-17770000${n}0.${i}` })) };
  };

  it('the rows of calls ending together are stored in one transaction and read back as when written one by one', async (store) => {
    const [acme] = await twoTenants(store);
    let batches = 0;
    const counted = { ...store.cdrs, insertBatch: (rows: Parameters<typeof store.cdrs.insertBatch>[0]) => (batches++, store.cdrs.insertBatch(rows)) };
    const slow = new BatchingCdrSink(counted, { flushMs: 1_000 });
    const writer = new CdrWriter(slow);
    const timed = new CdrWriter(new BatchingCdrSink(counted, { flushMs: 5 }));
    // Three calls through a sink with a long window: nothing is written until it is flushed ...
    const written = Promise.all([1, 2, 3].map((n) => writer.write(call(acme, n))));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(batches, 0, 'nothing is written before the flush window ends');
    // ... one through a sink with a short window, written by its own timer.
    await timed.write(call(acme, 4));
    assert.equal(batches, 1);
    await slow.flush();
    await written;
    assert.equal(batches, 2, 'the three calls in one batch');
    assert.deepEqual([writer.written, writer.failed, timed.written], [9, 0, 3]);
    const rows = await store.cdrs.list({ tenantIds: [acme] });
    assert.deepEqual(rows.map((r) => [r.linkedid, r.uniqueid, r.disposition, r.accountcode]).sort(), [1, 2, 3, 4].flatMap((n) => [[`n1-1777000000.${n}`, `n1-17770000${n}0.0`, 'NO ANSWER', 'ACME'], [`n1-1777000000.${n}`, `n1-17770000${n}0.1`, 'ANSWERED', 'ACME']]).sort());
    const simple = await store.cdrs.listSimple({ tenantIds: [acme] });
    assert.deepEqual(simple.map((r) => [r.tenantcode, r.sc_uniqueid]).sort(), [1, 2, 3, 4].map((n) => ['ACME', `n1-1777000000.${n}`]).sort());
  });

  it('a refused row in a batch fails alone: the other calls of the batch are stored', async (store) => {
    const [acme] = await twoTenants(store);
    const sink = new BatchingCdrSink(store.cdrs, { flushMs: 1_000 });
    const writer = new CdrWriter(sink);
    // The middle call names a tenant that does not exist: its three rows break the foreign key.
    const written = Promise.all([writer.write(call(acme, 1)), writer.write(call(acme + 1000, 2)), writer.write(call(acme, 3))]);
    await sink.flush();
    await written;
    assert.deepEqual([writer.written, writer.failed], [6, 3]);
    assert.deepEqual((await store.cdrs.listSimple({ tenantIds: [acme] })).map((r) => r.sc_uniqueid).sort(), ['n1-1777000000.1', 'n1-1777000000.3']);
  });
});
