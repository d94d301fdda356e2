// The SIPp scenarios of the call bench and the G.711 audio the caller plays.
//
// - register.xml: the callee (extension 101) registers from the UAS's own port, answering a 401 with digest auth.
// - uac.xml: the caller INVITEs sip:101@server with a PCMU offer, answers a 407 (or 401) challenge with
//   [authentication] (-au/-ap), ACKs, streams audio with SIPp's rtp_stream for -d milliseconds, then sends BYE.
// - uas.xml: the callee answers 180 then 200 with an SDP whose media address is the RTP sink (rtp-sink.ts), not SIPp:
//   the sink counts and echoes what the relay delivers. Out-of-dialog OPTIONS (a registrar's qualify) get a 200.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANSWER_OPTIONS, callSetupWithDigest, hangUp, registerChallenged, scenario } from '../shared/sipp-flows.ts';
import { pcmuSdp, response } from '../shared/sipp-messages.ts';

/** Keys given with `-key name value`: [caller] (the From user and digest user), [aor] (the callee's user); the callee's
 * [field0] is the sink port for the call, from an injection file. */
const CALLER = { user: '[caller]', tag: 'C' };

function uacScenario(audioFile: string): string {
  return scenario(
    'bench-call-uac',
    `${callSetupWithDigest(CALLER, pcmuSdp({ address: '[media_ip]', port: '[rtpstream_audio_port]' }))}  <!-- loop count -1: the file repeats until the pause below ends; payload type 0 = PCMU, 20 ms packets. -->
  <nop><action><exec rtp_stream="${audioFile},-1,0" /></action></nop>
  <pause />
  <nop><action><exec rtp_stream="pause" /></action></nop>
${hangUp(CALLER, 10)}`,
  );
}

const CONTACT = 'Contact: <sip:[aor]@[local_ip]:[local_port]>';

const UAS_SCENARIO = scenario(
  'bench-call-uas',
  `  <recv request="OPTIONS" optional="true" next="options" />
  <recv request="INVITE" crlf="true" />
  <send><![CDATA[${response('180 Ringing', { toTag: 'U', extra: ['[last_Record-Route:]', CONTACT] })}]]></send>
  <send retrans="500"><![CDATA[${response('200 OK', {
    toTag: 'U',
    extra: ['[last_Record-Route:]', CONTACT, 'User-Agent: callgrid-bench'],
    body: pcmuSdp({ origin: 'callgrid-bench-uas', port: '[field0]' }),
  })}]]></send>
  <recv request="ACK" />
  <recv request="BYE" />
  <send next="end"><![CDATA[${response('200 OK')}]]></send>

${ANSWER_OPTIONS}`,
);

// REGISTER with the AOR's user as the digest user (-au/-ap), from the port the UAS then listens on, so the binding
// (Contact and source address alike) points at the UAS.
const REGISTER_SCENARIO = scenario(
  'bench-call-register',
  `${registerChallenged('[aor]', 'R', '[authentication]')}  <recv response="100" optional="true" />
  <recv response="200" />
`,
);

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
