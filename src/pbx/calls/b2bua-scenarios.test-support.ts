// SIPp scenario XML for the B2BUA tests, built from small pieces: the caller (100-ACME) places its INVITE, is
// challenged with 407 and answers with [authentication]; the callee (101-ACME, registered) answers as each test wants.
// Branches are spelled out so the ACK of a non-2xx and a CANCEL carry their INVITE's branch (RFC 3261 §17.1.1.3, §9.1).
import { CALLEE, CALLER } from './b2bua-sipp.test-support.ts';

const cdata = (text: string): string => `<![CDATA[\n${text}\n]]>`;

export function scenario(name: string, steps: string[]): string {
  const body = steps.join('\n');
  // SIPp refuses variables that are set and never read: the ones only checked (ereg check_it) are referenced here.
  const assigned = [...new Set([...body.matchAll(/assign_to="(\w+)"/g)].map((m) => m[1]))];
  const reference = assigned.length === 0 ? '' : `\n  <Reference variables="${assigned.join(',')}" />`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="${name}">\n${body}${reference}\n</scenario>\n`;
}

/** The caller's offer; `rtpstream` names SIPp's rtp_stream port (the caller plays a file). */
export function callerSdp(options: { direction?: string; rtpstream?: boolean } = {}): string {
  return [
    'v=0',
    'o=alice 1 1 IN IP4 [media_ip]',
    's=-',
    'c=IN IP4 [media_ip]',
    't=0 0',
    `m=audio ${options.rtpstream ? '[rtpstream_audio_port]' : '[media_port]'} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000',
    `a=${options.direction ?? 'sendrecv'}`,
  ].join('\n');
}

export const CALLEE_SDP = ['v=0', 'o=bob 2 2 IN IP4 [media_ip]', 's=-', 'c=IN IP4 [media_ip]', 't=0 0', 'm=audio [media_port] RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=sendrecv'].join('\n');

// ---- the caller (UAC) ----

const via = (branch: string): string => `Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK[pid]c[call_number]${branch};rport`;
const FROM = `From: "${CALLER.name}" <sip:${CALLER.username}@[remote_ip]>;tag=[pid]uac[call_number]`;
const RURI = `sip:${CALLEE.number}@[remote_ip]:[remote_port]`;
const PBX_CONTACT = 'sip:callgrid@[remote_ip]:[remote_port]';

function invite(cseq: number, branch: string, body: string | undefined, auth: string): string {
  return cdata(
    [
      `INVITE ${RURI} SIP/2.0`,
      via(branch),
      FROM,
      `To: <${RURI}>`,
      'Call-ID: [call_id]',
      `CSeq: ${String(cseq)} INVITE`,
      `Contact: <sip:${CALLER.username}@[local_ip]:[local_port]>`,
      'Max-Forwards: 70',
      ...(auth ? [auth] : []),
      ...(body === undefined ? ['Content-Length: 0', ''] : ['Content-Type: application/sdp', 'Content-Length: [len]', '', body]),
    ].join('\n'),
  );
}

/** ACK of a non-2xx final answer: the INVITE's branch, the answer's To (§17.1.1.3). */
function ackError(cseq: number, branch: string): string {
  return `  <send>${cdata([`ACK ${RURI} SIP/2.0`, via(branch), FROM, '[last_To:]', 'Call-ID: [call_id]', `CSeq: ${String(cseq)} ACK`, 'Max-Forwards: 70', 'Content-Length: 0', ''].join('\n'))}</send>`;
}

/**
 * INVITE, 407, ACK, INVITE with digest credentials (CSeq 2, branch "i2"). The answer to the second INVITE is the
 * test's next step.
 */
export function challengedInvite(options: { body: string | undefined; password?: string }): string[] {
  return [
    `  <send retrans="500">${invite(1, 'i1', options.body, '')}</send>`,
    '  <recv response="100" optional="true" />',
    '  <recv response="407" auth="true" />',
    ackError(1, 'i1'),
    `  <send retrans="500">${invite(2, 'i2', options.body, `[authentication username=${CALLER.username} password=${options.password ?? CALLER.password}]`)}</send>`,
    '  <recv response="100" optional="true" />',
  ];
}

/** The caller expects a final error `status` to its authenticated INVITE and ACKs it. `check` is a regexp on a header. */
export function callerRejected(status: number, check?: { header: string; regexp: string }): string[] {
  const action = check === undefined ? '' : `<action><ereg regexp="${check.regexp}" search_in="hdr" header="${check.header}" check_it="true" assign_to="junk" /></action>`;
  return ['  <recv response="180" optional="true" />', `  <recv response="${String(status)}">${action}</recv>`, ackError(2, 'i2')];
}

/** 180 then 200 (our answer must carry SDP), then the ACK for the 2xx (a new transaction, §13.2.2.4). */
export function callerAnswered(ackCseq = 2): string[] {
  return [
    '  <recv response="180" optional="true" />',
    '  <recv response="200" rrs="true"><action><ereg regexp="m=audio [0-9]+ RTP/AVP" search_in="body" check_it="true" assign_to="junk" /></action></recv>',
    callerAck(ackCseq),
  ];
}

function callerAck(cseq: number): string {
  return `  <send>${cdata([`ACK ${PBX_CONTACT} SIP/2.0`, via(`a${String(cseq)}`), FROM, '[last_To:]', 'Call-ID: [call_id]', `CSeq: ${String(cseq)} ACK`, 'Max-Forwards: 70', 'Content-Length: 0', ''].join('\n'))}</send>`;
}

/** The caller hangs up: BYE (CSeq `cseq`) and its 200. */
export function callerBye(cseq: number): string[] {
  return [
    `  <send retrans="500">${cdata([`BYE ${PBX_CONTACT} SIP/2.0`, via(`b${String(cseq)}`), FROM, '[last_To:]', 'Call-ID: [call_id]', `CSeq: ${String(cseq)} BYE`, 'Max-Forwards: 70', 'Content-Length: 0', ''].join('\n'))}</send>`,
    '  <recv response="200" />',
  ];
}

/** A re-INVITE with `direction` (hold: sendonly); the 200 must answer `expect`; then its ACK. */
export function callerReinvite(cseq: number, direction: string, expect: string): string[] {
  const request = cdata(
    [
      `INVITE ${PBX_CONTACT} SIP/2.0`,
      via(`r${String(cseq)}`),
      FROM,
      '[last_To:]',
      'Call-ID: [call_id]',
      `CSeq: ${String(cseq)} INVITE`,
      `Contact: <sip:${CALLER.username}@[local_ip]:[local_port]>`,
      'Max-Forwards: 70',
      'Content-Type: application/sdp',
      'Content-Length: [len]',
      '',
      callerSdp({ direction }).replace('o=alice 1 1', 'o=alice 1 2'),
    ].join('\n'),
  );
  return [
    `  <send retrans="500">${request}</send>`,
    '  <recv response="100" optional="true" />',
    `  <recv response="200"><action><ereg regexp="a=${expect}" search_in="body" check_it="true" assign_to="junk" /></action></recv>`,
    callerAck(cseq),
  ];
}

/** The caller CANCELs its authenticated INVITE while it rings: 200 to the CANCEL, 487 to the INVITE, ACK. */
export function callerCancels(): string[] {
  return [
    '  <recv response="180" />',
    '  <pause milliseconds="200" />',
    `  <send>${cdata([`CANCEL ${RURI} SIP/2.0`, via('i2'), FROM, `To: <${RURI}>`, 'Call-ID: [call_id]', 'CSeq: 2 CANCEL', 'Max-Forwards: 70', 'Content-Length: 0', ''].join('\n'))}</send>`,
    '  <recv response="200" />',
    '  <recv response="487" />',
    ackError(2, 'i2'),
  ];
}

/** Any phone answering a BYE the PBX sent it. */
export function byeReceived(): string[] {
  return ['  <recv request="BYE" />', `  <send>${cdata(['SIP/2.0 200 OK', '[last_Via:]', '[last_From:]', '[last_To:]', '[last_Call-ID:]', '[last_CSeq:]', 'Content-Length: 0', ''].join('\n'))}</send>`];
}

export const pause = (ms: number): string => `  <pause milliseconds="${String(ms)}" />`;

/** Starts SIPp's rtp_stream of `file` (raw PCMU, payload 0) towards the peer's SDP address. */
export const playRtp = (file: string): string => `  <nop><action><exec rtp_stream="${file},1,0" /></action></nop>`;

// ---- the callee (UAS, 101) ----

const UAS_TAG = '[pid]uas[call_number]';

function answer(status: string, body?: string): string {
  return cdata(
    [
      `SIP/2.0 ${status}`,
      '[last_Via:]',
      '[last_From:]',
      `[last_To:];tag=${UAS_TAG}`,
      '[last_Call-ID:]',
      '[last_CSeq:]',
      `Contact: <sip:${CALLEE.username}@[local_ip]:[local_port]>`,
      ...(body === undefined ? ['Content-Length: 0', ''] : ['Content-Type: application/sdp', 'Content-Length: [len]', '', body]),
    ].join('\n'),
  );
}

/** The INVITE arrives (its From saved for a BYE the callee may send); 180 Ringing. */
export function calleeRings(): string[] {
  return [
    '  <recv request="INVITE"><action><ereg regexp=".*" search_in="hdr" header="From:" assign_to="pbxfrom" /></action></recv>',
    `  <send>${answer('180 Ringing')}</send>`,
  ];
}

/** 200 with the callee's SDP, retransmitted until the ACK; `rtpstream`: its media port is the one playRtp sends from. */
export function calleeAnswers(options: { rtpstream?: boolean } = {}): string[] {
  const sdp = options.rtpstream ? CALLEE_SDP.replace('[media_port]', '[rtpstream_audio_port]') : CALLEE_SDP;
  return [`  <send retrans="500">${answer('200 OK', sdp)}</send>`, '  <recv request="ACK" />'];
}

/**
 * 200 sent twice without waiting (the second one a retransmission, as if our ACK had been lost): the PBX must ACK
 * each (§13.2.2.4). SIPp takes the second, identical ACK as a retransmission; the test counts them in its trace.
 */
export function calleeAnswersTwice(): string[] {
  // The 200 is sent again after its ACK came (as a retransmission crossing the ACK would be). It is written out,
  // since SIPp's [last_*] now name the ACK: the INVITE's Via comes from calleeRingsKeepingVia.
  const again = cdata(
    [
      'SIP/2.0 200 OK',
      'Via: [$invvia]',
      '[last_From:]',
      '[last_To:]',
      '[last_Call-ID:]',
      'CSeq: 1 INVITE',
      `Contact: <sip:${CALLEE.username}@[local_ip]:[local_port]>`,
      'Content-Type: application/sdp',
      'Content-Length: [len]',
      '',
      CALLEE_SDP,
    ].join('\n'),
  );
  return [`  <send>${answer('200 OK', CALLEE_SDP)}</send>`, '  <recv request="ACK" />', `  <send>${again}</send>`, '  <recv request="ACK" />'];
}

/** calleeRings, keeping the INVITE's Via for a 200 sent again later (calleeAnswersTwice). */
export function calleeRingsKeepingVia(): string[] {
  return [
    '  <recv request="INVITE"><action><ereg regexp=".*" search_in="hdr" header="Via:" assign_to="invvia" /><ereg regexp=".*" search_in="hdr" header="From:" assign_to="pbxfrom" /></action></recv>',
    `  <send>${answer('180 Ringing')}</send>`,
  ];
}

/** A final error answer to the INVITE and the ACK the PBX's transaction sends for it. */
export function calleeRejects(status: string): string[] {
  return [`  <send>${answer(status)}</send>`, '  <recv request="ACK" />'];
}

/** The PBX CANCELs: 200 to the CANCEL, 487 to the INVITE, its ACK. */
export function calleeCancelled(timeoutMs: number): string[] {
  return [
    `  <recv request="CANCEL" timeout="${String(timeoutMs)}" />`,
    `  <send>${answer('200 OK')}</send>`,
    `  <send>${cdata(['SIP/2.0 487 Request Terminated', '[last_Via:]', '[last_From:]', `[last_To:];tag=${UAS_TAG}`, '[last_Call-ID:]', 'CSeq: 1 INVITE', 'Content-Length: 0', ''].join('\n'))}</send>`,
    '  <recv request="ACK" />',
  ];
}

/** The callee hangs up: BYE to the PBX's Contact in its own CSeq space. */
export function calleeBye(pbxPort: number): string[] {
  return [
    `  <send retrans="500">${cdata([`BYE sip:callgrid@127.0.0.1:${String(pbxPort)} SIP/2.0`, 'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]', `From: <sip:${CALLEE.number}@127.0.0.1>;tag=${UAS_TAG}`, 'To:[$pbxfrom]', 'Call-ID: [call_id]', 'CSeq: 1 BYE', 'Max-Forwards: 70', 'Content-Length: 0', ''].join('\n'))}</send>`,
    '  <recv response="200" />',
  ];
}
