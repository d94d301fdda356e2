// The SIPp scenarios of the call bench and the G.711 audio the caller plays.
//
// - register.xml: the callee (extension 101) registers from the UAS's own port, answering a 401 with digest auth.
// - uac.xml: the caller INVITEs sip:101@server with a PCMU offer, answers a 407 (or 401) challenge with
//   [authentication] (-au/-ap), ACKs, streams audio with SIPp's rtp_stream for -d milliseconds, then sends BYE.
// - uas.xml: the callee answers 180 then 200 with an SDP whose media address is the RTP sink (rtp-sink.ts), not SIPp:
//   the sink counts and echoes what the relay delivers. Out-of-dialog OPTIONS (a registrar's qualify) get a 200.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Keys given with `-key name value`: [caller] (the From user and digest user), [aor] (the callee's user); the callee's
 * [field0] is the sink port for the call, from an injection file. */
const SDP_OFFER = `v=0
      o=callgrid-bench [call_number] 1 IN IP4 [media_ip]
      s=-
      c=IN IP4 [media_ip]
      t=0 0
      m=audio [rtpstream_audio_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000
      a=ptime:20
      a=sendrecv`;

const INVITE = (cseq: number, auth: boolean) => `
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[caller]@[remote_ip]:[remote_port]>;tag=[pid]C[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: ${cseq} INVITE
      Contact: <sip:[caller]@[local_ip]:[local_port]>${auth ? '\n      [authentication]' : ''}
      Max-Forwards: 70
      User-Agent: callgrid-bench
      Content-Type: application/sdp
      Content-Length: [len]

      ${SDP_OFFER}
`;

// The challenge's ACK reuses the INVITE's Via (the 407's copy of it, [last_Via:]): an ACK to a non-2xx final answer
// belongs to the INVITE transaction (RFC 3261 §17.1.1.3). The ACK to the 200 is a new transaction along the route set.
// [$cseq] is the CSeq of the INVITE that was answered: 1 when no challenge came, 2 after one.
function uacScenario(audioFile: string): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="bench-call-uac">
  <nop><action><assignstr assign_to="cseq" value="1" /></action></nop>
  <send retrans="500"><![CDATA[${INVITE(1, false)}]]></send>
  <recv response="100" optional="true" />
  <recv response="407" optional="true" auth="true" next="challenged" />
  <recv response="401" optional="true" auth="true" next="challenged" />
  <recv response="180" optional="true" />
  <recv response="183" optional="true" />
  <recv response="200" rrs="true" next="answered" />

  <label id="challenged" />
  <send><![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      [last_Via:]
      From: <sip:[caller]@[remote_ip]:[remote_port]>;tag=[pid]C[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

  ]]></send>
  <nop><action><assignstr assign_to="cseq" value="2" /></action></nop>
  <send retrans="500"><![CDATA[${INVITE(2, true)}]]></send>
  <recv response="100" optional="true" />
  <recv response="180" optional="true" />
  <recv response="183" optional="true" />
  <recv response="200" rrs="true" />

  <label id="answered" />
  <send><![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[caller]@[remote_ip]:[remote_port]>;tag=[pid]C[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: [$cseq] ACK
      [routes]
      Max-Forwards: 70
      Content-Length: 0

  ]]></send>
  <!-- loop count -1: the file repeats until the pause below ends; payload type 0 = PCMU, 20 ms packets. -->
  <nop><action><exec rtp_stream="${audioFile},-1,0" /></action></nop>
  <pause />
  <nop><action><exec rtp_stream="pause" /></action></nop>
  <send retrans="500"><![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[caller]@[remote_ip]:[remote_port]>;tag=[pid]C[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 10 BYE
      [routes]
      Max-Forwards: 70
      Content-Length: 0

  ]]></send>
  <recv response="200" crlf="true" />
</scenario>
`;
}

const UAS_SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="bench-call-uas">
  <recv request="OPTIONS" optional="true" next="options" />
  <recv request="INVITE" crlf="true" />
  <send><![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]U[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Record-Route:]
      Contact: <sip:[aor]@[local_ip]:[local_port]>
      Content-Length: 0

  ]]></send>
  <send retrans="500"><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]U[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Record-Route:]
      Contact: <sip:[aor]@[local_ip]:[local_port]>
      User-Agent: callgrid-bench
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=callgrid-bench-uas [call_number] 1 IN IP4 127.0.0.1
      s=-
      c=IN IP4 127.0.0.1
      t=0 0
      m=audio [field0] RTP/AVP 0
      a=rtpmap:0 PCMU/8000
      a=ptime:20
      a=sendrecv
  ]]></send>
  <recv request="ACK" />
  <recv request="BYE" />
  <send next="end"><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

  ]]></send>

  <label id="options" />
  <send><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]O[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

  ]]></send>
  <label id="end" />
</scenario>
`;

// REGISTER with the AOR's user as the digest user (-au/-ap), from the port the UAS then listens on, so the binding
// (Contact and source address alike) points at the UAS.
const REGISTER_SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="bench-call-register">
  <send retrans="500"><![CDATA[
      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[aor]@[remote_ip]:[remote_port]>;tag=[pid]R[call_number]
      To: <sip:[aor]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 REGISTER
      Contact: <sip:[aor]@[local_ip]:[local_port]>
      Expires: 3600
      Max-Forwards: 70
      User-Agent: callgrid-bench
      Content-Length: 0

  ]]></send>
  <recv response="100" optional="true" />
  <recv response="401" auth="true" />
  <send retrans="500"><![CDATA[
      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[aor]@[remote_ip]:[remote_port]>;tag=[pid]R[call_number]
      To: <sip:[aor]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 2 REGISTER
      Contact: <sip:[aor]@[local_ip]:[local_port]>
      Expires: 3600
      [authentication]
      Max-Forwards: 70
      User-Agent: callgrid-bench
      Content-Length: 0

  ]]></send>
  <recv response="100" optional="true" />
  <recv response="200" />
</scenario>
`;

export interface Scenarios {
  readonly uac: string;
  readonly uas: string;
  readonly register: string;
}

/** One second of a 440 Hz tone in G.711 mu-law, raw (rtp_stream plays raw files 160 bytes per 20 ms packet). */
function toneUlaw(): Buffer {
  const samples = 8000;
  const out = Buffer.alloc(samples);
  for (let i = 0; i < samples; i++) out[i] = linearToUlaw(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
  return out;
}

/** ITU-T G.711 mu-law encoding of a 16-bit sample. */
function linearToUlaw(sample: number): number {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32635) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = 0;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Writes the scenarios and the audio file into dir. */
export function writeScenarios(dir: string): Scenarios {
  const audio = join(dir, 'tone-440.ulaw');
  writeFileSync(audio, toneUlaw());
  const paths = { uac: join(dir, 'uac.xml'), uas: join(dir, 'uas.xml'), register: join(dir, 'register.xml') };
  writeFileSync(paths.uac, uacScenario(audio));
  writeFileSync(paths.uas, UAS_SCENARIO);
  writeFileSync(paths.register, REGISTER_SCENARIO);
  return paths;
}
