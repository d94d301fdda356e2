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
import { ANSWER_OPTIONS, callSetupWithDigest, hangUp, scenario } from '../shared/sipp-flows.ts';
import { ack, from, inDialog, invite, message, pcmuSdp, response } from '../shared/sipp-messages.ts';
import { CALLER, callerOffer } from './caller-scenario.ts';

function ringingCaller(sinkPort: number): string {
  // The CANCEL copies the INVITE's Request-URI, Via ([last_Via:]), Call-ID, From, To and CSeq number.
  return scenario(
    'bench-apps-ringing-caller',
    `  <send retrans="500"><![CDATA[${invite(CALLER, 1, false, callerOffer(sinkPort))}]]></send>
  <recv response="100" optional="true" />
  <recv response="180" optional="true" />
  <recv response="183" />
  <pause />
  <send retrans="500"><![CDATA[${message([
    'CANCEL sip:[service]@[remote_ip]:[remote_port] SIP/2.0',
    '[last_Via:]',
    from(CALLER),
    'To: <sip:[service]@[remote_ip]:[remote_port]>',
    'Call-ID: [call_id]',
    'CSeq: 1 CANCEL',
    'Max-Forwards: 70',
    'Content-Length: 0',
  ])}]]></send>
  <recv response="200" optional="true" />
  <recv response="487" />
  <send><![CDATA[${ack(CALLER, '1', false)}]]></send>
`,
  );
}

const HOLDING_CALLER = scenario(
  'bench-apps-holding-caller',
  `${callSetupWithDigest(CALLER, callerOffer('[media_port]'))}  <send retrans="500"><![CDATA[${inDialog(CALLER, 'INVITE', 20, ['User-Agent: callgrid-bench', 'Content-Type: application/sdp'], pcmuSdp({ port: '[media_port]', version: 2, direction: 'sendonly' }))}]]></send>
  <recv response="100" optional="true" />
  <recv response="200" />
  <send><![CDATA[${ack(CALLER, '20', true)}]]></send>
  <pause />
${hangUp(CALLER, 30)}`,
);

const RINGING_MEMBER = scenario(
  'bench-apps-ringing-member',
  `  <recv request="OPTIONS" optional="true" next="options" />
  <recv request="INVITE" crlf="true">
    <action><ereg regexp="([0-9]+)" search_in="hdr" header="CSeq:" check_it="true" assign_to="cseqall,cseqno" /></action>
  </recv>
  <send><![CDATA[${response('180 Ringing', { toTag: 'M', extra: ['Contact: <sip:[aor]@[local_ip]:[local_port]>'] })}]]></send>
  <recv request="CANCEL" />
  <send><![CDATA[${response('200 OK', { toTag: 'M' })}]]></send>
  <send retrans="500"><![CDATA[${response('487 Request Terminated', { toTag: 'M', cseq: 'CSeq: [$cseqno] INVITE' })}]]></send>
  <recv request="ACK" next="end" />

${ANSWER_OPTIONS}  <Reference variables="cseqall" />
`,
);

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
