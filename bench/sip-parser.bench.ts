// SIP parser/serializer micro-benchmark: µs per message for a typical INVITE with SDP, a REGISTER
// and a 200 OK, beside a naive floor (decode + split lines + split names) as the peer figure.
// Run: npm run bench:sip-parser   (env: BENCH_ITERATIONS per round, BENCH_ROUNDS, BENCH_MAX_INVITE_US
// to exit 1 when the best INVITE parse is slower). Many short rounds (100 x 2,000 = 200k calls per
// figure) and the best and median of them are printed: a shared machine's noise only ever adds time,
// and a short round is likelier to run undisturbed.
import { parseMessage, serializeMessage, type SipMessage } from '../src/sip/message/index.ts';

const num = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const iterations = num('BENCH_ITERATIONS', 2_000);
const rounds = num('BENCH_ROUNDS', 100);
const maxInviteUs = process.env.BENCH_MAX_INVITE_US === undefined ? undefined : num('BENCH_MAX_INVITE_US', 10);

const SDP = [
  'v=0', 'o=alice 2890844526 2890844526 IN IP4 192.0.2.101', 's=-', 'c=IN IP4 192.0.2.101', 't=0 0',
  'm=audio 49172 RTP/AVP 0 8 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16', 'a=ptime:20', 'a=sendrecv', '',
].join('\r\n');

function wire(lines: string[], body = ''): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

const MESSAGES: Record<string, Buffer> = {
  'INVITE + SDP': wire([
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport',
    'Max-Forwards: 70',
    'To: Bob <sip:bob@biloxi.example.com>',
    'From: "Alice Liddell" <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Contact: <sip:alice@pc33.atlanta.example.com:5060;transport=udp>',
    'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO, UPDATE',
    'Supported: replaces, timer, 100rel',
    'User-Agent: Callgrid-bench/1.0',
    'Content-Type: application/sdp',
  ], SDP),
  REGISTER: wire([
    'REGISTER sip:registrar.biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7;rport',
    'Max-Forwards: 70',
    'To: Bob <sip:bob@biloxi.example.com>',
    'From: Bob <sip:bob@biloxi.example.com>;tag=456248',
    'Call-ID: 843817637684230@998sdasdh09',
    'CSeq: 1826 REGISTER',
    'Contact: <sip:bob@192.0.2.4:5060;transport=udp>;expires=3600;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"',
    'Authorization: Digest username="bob", realm="biloxi.example.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:registrar.biloxi.example.com", response="245f23415f11432b3434341c022", algorithm=MD5',
    'User-Agent: Callgrid-bench/1.0',
  ]),
  '200 OK + SDP': wire([
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.101',
    'Record-Route: <sip:proxy.biloxi.example.com;lr>',
    'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
    'From: "Alice Liddell" <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Contact: <sip:bob@192.0.2.4:5060>',
    'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE',
    'Content-Type: application/sdp',
  ], SDP.replace(/alice/g, 'bob').replace(/192\.0\.2\.101/g, '192.0.2.4')),
};

/** The peer: the least a parser must do (decode, split lines, split name from value). */
function floor(data: Buffer): number {
  const text = data.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  let total = 0;
  for (const line of text.slice(0, end).split('\r\n')) {
    const colon = line.indexOf(':');
    total += line.slice(0, colon).toLowerCase().length + line.slice(colon + 1).trim().length;
  }
  return total;
}

let sink = 0;

/** µs per call: [best round, median round]. */
function measure(run: () => number): [number, number] {
  for (let i = 0; i < 20_000; i++) sink += run();
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink += run();
    perRound.push(Number(process.hrtime.bigint() - started) / iterations / 1000);
  }
  perRound.sort((a, b) => a - b);
  return [perRound[0] ?? NaN, perRound[Math.floor(perRound.length / 2)] ?? NaN];
}

const fmt = ([best, median]: [number, number]) => `${best.toFixed(2).padStart(6)} µs (median ${median.toFixed(2)})`;

console.log(`sip-parser bench: ${rounds} rounds x ${iterations} per figure, Node ${process.version}\n`);
console.log(`${'message'.padEnd(14)} ${'bytes'.padStart(5)}  ${'parse'.padEnd(26)} ${'serialize'.padEnd(26)} floor (peer)`);
let inviteBest = NaN;
for (const [name, data] of Object.entries(MESSAGES)) {
  const first = parseMessage(data);
  if (!first.ok) throw new Error(`${name} does not parse: ${first.error.status} ${first.error.reason}`);
  const message: SipMessage = first.value;
  const parse = measure(() => (parseMessage(data).ok ? 1 : 0));
  const serialize = measure(() => serializeMessage(message).length);
  const peer = measure(() => floor(data));
  if (name.startsWith('INVITE')) inviteBest = parse[0];
  console.log(`${name.padEnd(14)} ${String(data.length).padStart(5)}  ${fmt(parse)}  ${fmt(serialize)}  ${fmt(peer)}  parse = ${(parse[0] / peer[0]).toFixed(1)}x floor`);
}
console.log(`\ngoal: INVITE parse under 10 µs: ${inviteBest < 10 ? 'met' : 'NOT met'} (best ${inviteBest.toFixed(2)} µs)${sink === 0 ? ' ' : ''}`);
if (maxInviteUs !== undefined && inviteBest > maxInviteUs) {
  console.error(`bench: INVITE parse ${inviteBest.toFixed(2)} µs exceeds BENCH_MAX_INVITE_US=${maxInviteUs}`);
  process.exit(1);
}
