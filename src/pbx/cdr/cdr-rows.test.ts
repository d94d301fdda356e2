// The pure mapping of a finished call to CDR rows and its simple-CDR row.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cdrDirection } from '../../domain/index.ts';
import type { CallAttempt, CallRecord } from './call-record.ts';
import { callerIdText, cdrRows, variableMarks, wholeSeconds } from './cdr-rows.ts';

const at = (time: string): Date => new Date(`2026-05-04T${time}Z`);

function ext101(overrides: Partial<CallAttempt> = {}): CallAttempt {
  return {
    uniqueId: 'n1-1777000000.1',
    dstChannel: 'PJSIP/101-ACME-00000002',
    destination: '101',
    landed: { kind: 'EXT', label: '101' },
    peerAccount: '101-ACME',
    startedAt: at('10:00:00.200'),
    endedAt: at('10:01:05.100'),
    disposition: 'ANSWERED',
    answeredAt: at('10:00:05.900'),
    ...overrides,
  } as CallAttempt;
}

function localCall(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    tenantId: 7,
    tenantCode: 'ACME',
    linkedId: 'n1-1777000000.1',
    direction: 'LOCAL',
    originateId: '',
    sipCallId: 'abc@10.0.0.5',
    caller: { number: '100', name: 'Ann', extension: '100', account: '100-ACME' },
    dialled: '101',
    startedAt: at('10:00:00.000'),
    endedAt: at('10:01:05.300'),
    attempts: [ext101()],
    ...overrides,
  };
}

describe('cdrRows', () => {
  test('an answered internal call: one row with every column Asterisk/MiRTA fill', () => {
    const { cdrs, simple } = cdrRows(localCall());
    assert.deepEqual(cdrs, [
      {
        accountcode: 'ACME',
        clid: '"Ann" <100>',
        realsrc: '100',
        firstdst: '101',
        lastdst: '101',
        src: '100',
        dcontext: 'ACME',
        userfield: '',
        srcCallID: 'abc@10.0.0.5',
        linkedid: 'n1-1777000000.1',
        originateid: '',
        start: '2026-05-04 10:00:00',
        answer: '2026-05-04 10:00:05',
        end: '2026-05-04 10:01:05',
        duration: 64, // 64.9 s truncated
        billsec: 59, // 59.2 s truncated
        disposition: 'ANSWERED',
        dstchannel: 'PJSIP/101-ACME-00000002',
        uniqueid: 'n1-1777000000.1',
        prevuniqueid: '',
        wherelanded: 'EXT:101',
        dst: '101',
        lastapp: 'Dial',
        peeraccount: '101-ACME',
      },
    ]);
    assert.equal(cdrDirection(cdrs[0]!.userfield!), 'LOCAL');
    assert.deepEqual(simple, {
      sc_start: '2026-05-04 10:00:00',
      sc_direction: 'LOCAL',
      sc_calleridnum: '100',
      sc_calleridname: 'Ann',
      sc_dialednum: '101',
      sc_disposition: 'ANSWERED',
      sc_duration: 65,
      sc_billsec: 59,
      sc_uniqueid: 'n1-1777000000.1',
      sc_whoanswered: '101',
    });
  });

  test('no answer, then forwarded to a second destination that answers: two rows linked by linkedid and prevuniqueid', () => {
    const record = localCall({
      direction: 'IN',
      caller: { number: '5559999', name: '', extension: '', account: '' },
      dialled: '390212345',
      endedAt: at('10:02:00'),
      attempts: [
        ext101({ disposition: 'NO ANSWER', startedAt: at('10:00:00'), endedAt: at('10:00:20') } as Partial<CallAttempt>),
        {
          uniqueId: 'n1-1777000020.4',
          dstChannel: 'PJSIP/102-ACME-00000003',
          destination: '102',
          landed: { kind: 'EXT', label: '102' },
          peerAccount: '102-ACME',
          startedAt: at('10:00:20'),
          endedAt: at('10:02:00'),
          disposition: 'ANSWERED',
          answeredAt: at('10:00:30'),
        },
      ],
    });
    const { cdrs, simple } = cdrRows(record);
    assert.equal(cdrs.length, 2);
    const [first, second] = cdrs as [(typeof cdrs)[0], (typeof cdrs)[0]];
    assert.deepEqual(
      cdrs.map((r) => [r.uniqueid, r.prevuniqueid, r.linkedid, r.dst, r.firstdst, r.lastdst, r.disposition, r.duration, r.billsec, r.answer]),
      [
        ['n1-1777000000.1', '', 'n1-1777000000.1', '101', '390212345', '102', 'NO ANSWER', 20, 0, null],
        ['n1-1777000020.4', 'n1-1777000000.1', 'n1-1777000000.1', '102', '390212345', '102', 'ANSWERED', 100, 90, '2026-05-04 10:00:30'],
      ],
    );
    assert.equal(first.clid, '5559999', 'no name: the number alone, as ast_callerid_merge');
    assert.equal(first.realsrc, '5559999', 'an external caller is its own real source');
    assert.equal(first.userfield, '[inbound]');
    assert.equal(cdrDirection(second.userfield!), 'IN');
    assert.equal(first.end, '2026-05-04 10:00:20');
    assert.equal(second.wherelanded, 'EXT:102');
    assert.deepEqual(
      [simple.sc_direction, simple.sc_dialednum, simple.sc_disposition, simple.sc_whoanswered, simple.sc_duration, simple.sc_billsec, simple.sc_calleridname],
      ['IN', '390212345', 'ANSWERED', '102', 120, 90, ''],
    );
  });

  test('busy: no answer time, billsec 0, the simple CDR says BUSY and nobody answered', () => {
    const { cdrs, simple } = cdrRows(
      localCall({ attempts: [ext101({ disposition: 'BUSY', endedAt: at('10:00:01.199') } as Partial<CallAttempt>)], endedAt: at('10:00:01.5') }),
    );
    assert.deepEqual([cdrs[0]?.disposition, cdrs[0]?.answer, cdrs[0]?.billsec, cdrs[0]?.duration], ['BUSY', null, 0, 0]);
    assert.deepEqual([simple.sc_disposition, simple.sc_whoanswered, simple.sc_billsec, simple.sc_duration], ['BUSY', '', 0, 1]);
  });

  test('an outbound call that failed at the provider', () => {
    const { cdrs, simple } = cdrRows(
      localCall({
        direction: 'OUT',
        dialled: '00390212345',
        attempts: [
          {
            uniqueId: 'n1-1777000000.1',
            dstChannel: '',
            destination: '390212345',
            landed: { kind: 'PROVIDER', label: 'Telco' },
            peerAccount: 'Telco',
            startedAt: at('10:00:00'),
            endedAt: at('10:00:03'),
            disposition: 'FAILED',
          },
        ],
      }),
    );
    const row = cdrs[0]!;
    assert.deepEqual([row.userfield, row.disposition, row.wherelanded, row.dst, row.firstdst, row.dstchannel, row.billsec], ['[outbound]', 'FAILED', 'PROVIDER:Telco', '390212345', '00390212345', '', 0]);
    assert.equal(cdrDirection(row.userfield!), 'OUT');
    assert.deepEqual([simple.sc_direction, simple.sc_disposition], ['OUT', 'FAILED']);
  });

  test('a call placed nowhere still leaves one FAILED row for the caller leg', () => {
    const { cdrs, simple } = cdrRows(localCall({ attempts: [], dialled: '999' }));
    assert.deepEqual(
      [cdrs.length, cdrs[0]?.uniqueid, cdrs[0]?.disposition, cdrs[0]?.dst, cdrs[0]?.lastdst, cdrs[0]?.lastapp, cdrs[0]?.wherelanded, cdrs[0]?.duration],
      [1, 'n1-1777000000.1', 'FAILED', '999', '999', 'Hangup', '', 65],
    );
    assert.deepEqual([simple.sc_disposition, simple.sc_whoanswered], ['FAILED', '']);
  });

  test('an API-originated call carries the originate id on every row; lastapp follows the leg', () => {
    const { cdrs } = cdrRows(
      localCall({
        originateId: '15a4cfe6429054',
        attempts: [
          ext101({ disposition: 'NO ANSWER', endedAt: at('10:00:10') } as Partial<CallAttempt>),
          ext101({ uniqueId: 'n1-1777000010.2', app: 'VoiceMail', dstChannel: '', landed: { kind: 'VOICEMAIL', label: '101' }, startedAt: at('10:00:10'), answeredAt: at('10:00:10'), endedAt: at('10:00:40') }),
        ],
      }),
    );
    assert.deepEqual(cdrs.map((r) => r.originateid), ['15a4cfe6429054', '15a4cfe6429054']);
    assert.deepEqual(cdrs.map((r) => [r.lastapp, r.wherelanded, r.billsec]), [['Dial', 'EXT:101', 0], ['VoiceMail', 'VOICEMAIL:101', 30]]);
  });

  test('durations are whole seconds, truncated, never negative', () => {
    assert.equal(wholeSeconds(at('10:00:00.999'), at('10:00:01.998')), 0);
    assert.equal(wholeSeconds(at('10:00:00.000'), at('10:00:01.999')), 1);
    assert.equal(wholeSeconds(at('10:00:00.500'), at('10:00:03.500')), 3);
    assert.equal(wholeSeconds(at('10:00:05'), at('10:00:01')), 0, 'a clock step backwards');
  });

  test('caller id text and over-long values cut to the column widths', () => {
    assert.equal(callerIdText('Ann', '100'), '"Ann" <100>');
    assert.equal(callerIdText('Ann', ''), 'Ann');
    assert.equal(callerIdText('', ''), '');
    const { cdrs, simple } = cdrRows(localCall({ caller: { number: '1'.repeat(80), name: 'N'.repeat(300), extension: '', account: '' } }));
    assert.equal(cdrs[0]?.src?.length, 64);
    assert.equal(cdrs[0]?.clid?.length, 255);
    assert.equal(simple.sc_calleridname?.length, 255);
  });

  test('a call refused before any leg: its one row says how (disposition, application, SIP answer in the userfield)', () => {
    const refusal = { disposition: 'CONGESTION', app: 'Congestion', sipStatus: 503 } as const;
    const { cdrs, simple } = cdrRows(localCall({ direction: 'IN', attempts: [], refusal }));
    assert.equal(cdrs.length, 1);
    assert.deepEqual([cdrs[0]?.disposition, cdrs[0]?.lastapp, cdrs[0]?.userfield, cdrs[0]?.wherelanded, cdrs[0]?.dst], ['CONGESTION', 'Congestion', '[inbound][sip:503]', '', '101']);
    assert.equal(cdrDirection(cdrs[0]?.userfield ?? ''), 'IN', 'the SIP answer does not hide the direction marker');
    assert.equal(simple.sc_disposition, 'CONGESTION');
    // Without a refusal: FAILED, Hangup, no SIP answer (as before).
    const nowhere = cdrRows(localCall({ attempts: [] })).cdrs[0];
    assert.deepEqual([nowhere?.disposition, nowhere?.lastapp, nowhere?.userfield], ['FAILED', 'Hangup', '']);
  });

  test("attempts win over a refusal (no second row); only an unanswered attempt's row shows its SIP answer", () => {
    const refusal = { disposition: 'FAILED', app: 'Hangup', sipStatus: 480 } as const;
    const attempts = [ext101({ disposition: 'BUSY', endedAt: at('10:00:03'), sipStatus: 486 } as Partial<CallAttempt>), ext101({ uniqueId: 'n1-1777000000.2', sipStatus: 480 })];
    const { cdrs } = cdrRows(localCall({ direction: 'OUT', attempts, refusal }));
    assert.deepEqual(cdrs.map((r) => [r.disposition, r.userfield]), [['BUSY', '[outbound][sip:486]'], ['ANSWERED', '[outbound]']]);
  });

  test("DIAL's variables follow the markers in every row's userfield, brackets encoded, cut to 255 with the markers kept", () => {
    assert.equal(variableMarks({ 'ACME-callid': '453131', 'ACME-note': 'a]b[%' }), '[ACME-callid=453131][ACME-note=a%5Db%5B%25]');
    const { cdrs } = cdrRows(localCall({ direction: 'OUT', variables: { 'ACME-callid': '453131' }, attempts: [ext101(), ext101({ disposition: 'BUSY', sipStatus: 486 } as Partial<CallAttempt>)] }));
    assert.deepEqual(cdrs.map((r) => r.userfield), ['[outbound][ACME-callid=453131]', '[outbound][sip:486][ACME-callid=453131]']);
    const long = cdrRows(localCall({ direction: 'OUT', variables: { 'ACME-x': 'v'.repeat(300) } })).cdrs[0]?.userfield ?? '';
    assert.equal(long.length, 255);
    assert.ok(long.startsWith('[outbound][ACME-x=vvv'));
    assert.equal(cdrRows(localCall()).cdrs[0]?.userfield, '');
  });
});
