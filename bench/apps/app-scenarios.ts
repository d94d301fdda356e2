// SIPp scenarios of the apps bench's ivr/huntmusic/hold parts (the playing caller is caller-scenario.ts):
// - ringing caller (one per sink port): a carrier's INVITE with a sink port as media address; the server answers
//   183 with a description (early media: the music the caller hears while the members ring), never 200; after -d ms
//   the caller gives up with CANCEL (RFC 3261 §9.1: same Request-URI, Via branch, Call-ID, From, To, CSeq number),
//   gets 200 for the CANCEL and 487 for the INVITE, and ACKs the 487 (§17.1.1.3). A call that is answered instead
//   fails: the members must never take it.
// - holding caller: extension 100 calls the held party (a 407/401 answered with digest credentials), and as soon as
//   the call is up re-INVITEs it with a=sendonly (RFC 3264 §8.4: a hold), ACKs, stays -d ms, BYE. Its own media
//   address is SIPp's media port, not a sink: a caller holding a call is sent nothing.
// - ringing member (a UAS): rings (180) and never answers; a CANCEL gets 200, the INVITE 487, then the ACK.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ack, invite } from './caller-scenario.ts';

function ringingCaller(sinkPort: number): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="bench-apps-ringing-caller">
  <send retrans="500"><![CDATA[${invite(1, false, sinkPort)}]]></send>
  <recv response="100" optional="true" />
  <recv response="180" optional="true" />
  <recv response="183" />
  <pause />
  <send retrans="500"><![CDATA[
      CANCEL sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      [last_Via:]
      From: <sip:[caller]@[remote_ip]:[remote_port]>;tag=[pid]P[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 CANCEL
      Max-Forwards: 70
      Content-Length: 0

  ]]></send>
  <recv response="200" optional="true" />
  <recv response="487" />
  <send><![CDATA[${ack('1', '[last_Via:]', 'sip:[service]@[remote_ip]:[remote_port]', false)}
  ]]></send>
</scenario>
`;
}

const holdOffer = (version: number, direction: string) => `v=0
      o=callgrid-bench [call_number] ${version} IN IP4 127.0.0.1
      s=-
      c=IN IP4 127.0.0.1
      t=0 0
      m=audio [media_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000
      a=ptime:20
      a=${direction}`;

const HOLDING_CALLER = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="bench-apps-holding-caller">
  <nop><action><assignstr assign_to="cseq" value="1" /></action></nop>
  <send retrans="500"><![CDATA[${invite(1, false, '[media_port]')}]]></send>
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
  <send retrans="500"><![CDATA[${invite(2, true, '[media_port]')}]]></send>
  <recv response="100" optional="true" />
  <recv response="180" optional="true" />
  <recv response="183" optional="true" />
  <recv response="200" rrs="true" />

  <label id="answered" />
  <send><![CDATA[${ack('[$cseq]', 'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport', '[next_url]', true)}
  ]]></send>
  <send retrans="500"><![CDATA[
      INVITE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[caller]@[remote_ip]:[remote_port]>;tag=[pid]P[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 20 INVITE
      Contact: <sip:[caller]@[local_ip]:[local_port]>
      [routes]
      Max-Forwards: 70
      User-Agent: callgrid-bench
      Content-Type: application/sdp
      Content-Length: [len]

      ${holdOffer(2, 'sendonly')}
  ]]></send>
  <recv response="100" optional="true" />
  <recv response="200" />
  <send><![CDATA[${ack('20', 'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport', '[next_url]', true)}
  ]]></send>
  <pause />
  <send retrans="500"><![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[caller]@[remote_ip]:[remote_port]>;tag=[pid]P[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 30 BYE
      [routes]
      Max-Forwards: 70
      Content-Length: 0

  ]]></send>
  <recv response="200" crlf="true" />
</scenario>
`;

const RINGING_MEMBER = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="bench-apps-ringing-member">
  <recv request="OPTIONS" optional="true" next="options" />
  <recv request="INVITE" crlf="true">
    <action><ereg regexp="([0-9]+)" search_in="hdr" header="CSeq:" check_it="true" assign_to="cseqall,cseqno" /></action>
  </recv>
  <send><![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]M[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[aor]@[local_ip]:[local_port]>
      Content-Length: 0

  ]]></send>
  <recv request="CANCEL" />
  <send><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]M[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

  ]]></send>
  <send retrans="500"><![CDATA[
      SIP/2.0 487 Request Terminated
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]M[call_number]
      [last_Call-ID:]
      CSeq: [$cseqno] INVITE
      Content-Length: 0

  ]]></send>
  <recv request="ACK" next="end" />

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
  <Reference variables="cseqall" />
</scenario>
`;

export interface AppScenarios {
  /** One ringing caller per sink port, in the ports' order. */
  readonly ringingCallers: readonly string[];
  readonly holdingCaller: string;
  readonly ringingMember: string;
}

export function writeAppScenarios(dir: string, sinkPorts: readonly number[]): AppScenarios {
  const ringingCallers = sinkPorts.map((port) => {
    const path = join(dir, `apps-ringing-caller-${port}.xml`);
    writeFileSync(path, ringingCaller(port));
    return path;
  });
  const holdingCaller = join(dir, 'apps-holding-caller.xml');
  writeFileSync(holdingCaller, HOLDING_CALLER);
  const ringingMember = join(dir, 'apps-ringing-member.xml');
  writeFileSync(ringingMember, RINGING_MEMBER);
  return { ringingCallers, holdingCaller, ringingMember };
}
