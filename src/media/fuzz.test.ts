// Seeded fuzzing of every media parser: 2,000 mutations each of real packets and bodies must
// always yield a Result, never an exception, and what is accepted must serialize and parse again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mutate, seededRandom } from '../../test/support/fuzz.ts';
import { parseRtcp, parseRtp, parseSdp, parseTelephoneEvents, serializeRtcp, serializeRtp, serializeSdp, serializeTelephoneEvents } from './index.ts';

const ROUNDS = 2000;

/** Bytes that sit on the parsers' boundaries: header bits, SDP separators, digits, line ends. */
const INTERESTING = [0x00, 0x01, 0x03, 0x0a, 0x0d, 0x20, 0x2f, 0x30, 0x39, 0x3a, 0x3d, 0x7f, 0x80, 0x8f, 0x90, 0xa0, 0xbf, 0xc8, 0xc9, 0xff];


const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

interface Target {
  readonly name: string;
  readonly seed: number;
  readonly seeds: readonly Buffer[];
  /** Parses, and for accepted input checks that the serialization parses to the same thing. */
  readonly run: (input: Buffer) => boolean;
}

const TARGETS: Target[] = [
  {
    name: 'RTP',
    seed: 3550,
    seeds: [hex('80 00 0001 00000001 0000000a fffefdfc'), hex('b2 e5 0001 00000001 0000000a 11111111 22222222 bede 0001 10ff0000 0102 0000 03')],
    run: (input) => {
      const r = parseRtp(input);
      if (r.ok) assert.deepEqual(parseRtp(serializeRtp(r.value)), r);
      return r.ok;
    },
  },
  {
    name: 'RTCP',
    seed: 5761,
    seeds: [hex('81 c8 000c 11223344 e0000000 80000000 00001f40 00000064 00003e80 55667788 40 000005 00010010 00000050 12345678 00010000 81 ca 0003 11223344 0104 61626364 0000'), hex('a1 c9 0008 11223344 55667788 00 ffffff 0000ffff 00000000 00000000 00000000 00000004')],
    run: (input) => {
      const r = parseRtcp(input);
      if (r.ok) assert.equal(parseRtcp(serializeRtcp(r.value)).ok, true);
      return r.ok;
    },
  },
  {
    name: 'telephone-event',
    seed: 4733,
    seeds: [hex('05 8a 0320'), hex('01 8a 0320 02 0a 00a0')],
    run: (input) => {
      const r = parseTelephoneEvents(input);
      if (r.ok) assert.deepEqual(parseTelephoneEvents(serializeTelephoneEvents(r.value)), r);
      return r.ok;
    },
  },
  {
    name: 'SDP',
    seed: 8866,
    seeds: [
      Buffer.from(
        'v=0\r\no=alice 1 2 IN IP4 192.0.2.10\r\ns=-\r\ni=x\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nr=1 2 3\r\na=tool:x\r\nm=audio 49170/2 RTP/AVP 0 8 101\r\nb=AS:64\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendonly\r\na=rtcp:49171 IN IP4 192.0.2.10\r\na=rtcp-mux\r\nm=video 0 RTP/AVP 96\r\n',
      ),
      Buffer.from('v=0\no=- 1 1 IN IP6 ::1\ns=\nt=0 0\nm=audio 4000 RTP/AVP 0\nc=IN IP6 ::1\na=rtpmap:0 PCMU/8000/1\nm=image 0 udptl t38\n'),
    ],
    run: (input) => {
      const r = parseSdp(input);
      if (!r.ok) {
        assert.notEqual(r.error.reason, 'malformed SDP', 'the safety net caught an exception');
        assert.ok(r.error.line >= 0);
        return false;
      }
      const again = parseSdp(serializeSdp(r.value));
      if (!again.ok) assert.fail(`accepted, but its serialization was refused: ${again.error.reason}\n${input.toString('latin1')}`);
      assert.equal(serializeSdp(again.value), serializeSdp(r.value));
      return true;
    },
  },
];

for (const target of TARGETS) {
  test(`fuzz ${target.name}: ${ROUNDS} seeded mutations never throw; accepted ones round-trip`, () => {
    const random = seededRandom(target.seed);
    let accepted = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const input = mutate(target.seeds[i % target.seeds.length] ?? Buffer.alloc(0), random, { interesting: INTERESTING });
      try {
        if (target.run(input)) accepted++;
      } catch (error) {
        assert.fail(`${target.name} input #${i} (${input.toString('hex')}) threw: ${String(error)}`);
      }
    }
    if (process.env.FUZZ_VERBOSE) console.log(target.name, accepted);
    // Both outcomes must be explored, or the fuzz proves little.
    assert.ok(accepted > ROUNDS / 50 && accepted < ROUNDS, `${accepted} of ${ROUNDS} accepted`);
  });
}
