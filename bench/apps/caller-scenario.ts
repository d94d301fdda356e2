// The SIPp caller of a call a PBX answers itself: INVITE (PCMU and telephone-event offered, the media address being
// one port of the timing sink, written into the scenario), a 407/401 answered with digest credentials if one comes
// (Callgrid's extensions dialling a feature code are challenged; the rtpengine peer is not), ACK, silence for -d ms
// (the sink, not SIPp, hears the prompt and presses the key), BYE. SIPp sends no RTP at all.
// One scenario file per sink port: bench/calls' SIPp runner takes no injection file, so calls are dealt over the
// sink processes by running one SIPp caller per sink port (which also spreads SIPp's own load).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DTMF_PAYLOAD_TYPE } from './timing-sink.ts';

/** The INVITE (and its re-sent, authenticated form) offering PCMU and telephone-event at 127.0.0.1:`mediaPort`. */
export const invite = (cseq: number, auth: boolean, mediaPort: number | string) => `
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[caller]@[remote_ip]:[remote_port]>;tag=[pid]P[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: ${cseq} INVITE
      Contact: <sip:[caller]@[local_ip]:[local_port]>${auth ? '\n      [authentication]' : ''}
      Max-Forwards: 70
      User-Agent: callgrid-bench
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=callgrid-bench [call_number] 1 IN IP4 127.0.0.1
      s=-
      c=IN IP4 127.0.0.1
      t=0 0
      m=audio ${mediaPort} RTP/AVP 0 ${DTMF_PAYLOAD_TYPE}
      a=rtpmap:0 PCMU/8000
      a=rtpmap:${DTMF_PAYLOAD_TYPE} telephone-event/8000
      a=fmtp:${DTMF_PAYLOAD_TYPE} 0-16
      a=ptime:20
      a=sendrecv
`;

export const ack = (cseq: string, via: string, uri: string, routes: boolean) => `
      ACK ${uri} SIP/2.0
      ${via}
      From: <sip:[caller]@[remote_ip]:[remote_port]>;tag=[pid]P[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: ${cseq} ACK${routes ? '\n      [routes]' : ''}
      Max-Forwards: 70
      Content-Length: 0
`;

/** The scenario, as bench/calls' uac.xml but without rtp_stream and with the sink as the media address. */
function scenario(sinkPort: number): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="bench-apps-caller">
  <nop><action><assignstr assign_to="cseq" value="1" /></action></nop>
  <send retrans="500"><![CDATA[${invite(1, false, sinkPort)}]]></send>
  <recv response="100" optional="true" />
  <recv response="407" optional="true" auth="true" next="challenged" />
  <recv response="401" optional="true" auth="true" next="challenged" />
  <recv response="180" optional="true" />
  <recv response="183" optional="true" />
  <recv response="200" rrs="true" next="answered" />

  <label id="challenged" />
  <send><![CDATA[${ack('1', '[last_Via:]', 'sip:[service]@[remote_ip]:[remote_port]', false)}
  ]]></send>
  <nop><action><assignstr assign_to="cseq" value="2" /></action></nop>
  <send retrans="500"><![CDATA[${invite(2, true, sinkPort)}]]></send>
  <recv response="100" optional="true" />
  <recv response="180" optional="true" />
  <recv response="183" optional="true" />
  <recv response="200" rrs="true" />

  <label id="answered" />
  <send><![CDATA[${ack('[$cseq]', 'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport', '[next_url]', true)}
  ]]></send>
  <pause />
  <send retrans="500"><![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[caller]@[remote_ip]:[remote_port]>;tag=[pid]P[call_number]
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

/** Writes one caller scenario per sink port into dir; returns their paths in the ports' order. */
export function writeCallerScenarios(dir: string, sinkPorts: readonly number[]): string[] {
  return sinkPorts.map((port) => {
    const path = join(dir, `apps-caller-${port}.xml`);
    writeFileSync(path, scenario(port));
    return path;
  });
}
