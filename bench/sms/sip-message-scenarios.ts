// SIPp scenarios of the SIP MESSAGE figures: a phone sending MESSAGEs (answering the server's 407/401 with digest),
// a phone receiving them (200 OK), and a carrier taking the PBX's SMS (202 Accepted). The receiver's REGISTER is
// bench/calls' register.xml (written by its writeScenarios), sent from the receiver's own port.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANSWER_OPTIONS, LATE_CHALLENGE_SEEN, scenario, skipLateChallenges } from '../shared/sipp-flows.ts';
import { from, message, response, VIA } from '../shared/sipp-messages.ts';

// [field0] is the sender's digest username (also the From user, as a registrar-proxy checks), [field1] its whole
// [authentication ...] keyword (bench/sip/users.ts explains why it comes whole). [service] is the Request-URI user.
const SENDER = { user: '[field0]', tag: 'M' };

const MESSAGE = (cseq: number, auth: boolean) =>
  message(
    [
      'MESSAGE sip:[service]@[remote_ip]:[remote_port] SIP/2.0',
      VIA,
      from(SENDER),
      'To: <sip:[service]@[remote_ip]:[remote_port]>',
      'Call-ID: [call_id]',
      `CSeq: ${cseq} MESSAGE`,
      auth && '[field1]',
      'Max-Forwards: 70',
      'User-Agent: callgrid-bench',
      'Content-Type: text/plain;charset=UTF-8',
      'Content-Length: [len]',
    ],
    'bench message [call_number] from [field0]',
  );

// A retransmitted first MESSAGE can draw a second challenge after the credentials went out (as in the REGISTER
// bench): skipped while the answer to CSeq 2 is awaited.
const UAC = scenario(
  'bench-message-uac',
  `  <send retrans="500"><![CDATA[${MESSAGE(1, false)}]]></send>
  <recv response="100" optional="true" />
  <recv response="407" optional="true" auth="true" next="challenged" />
  <recv response="401" optional="true" auth="true" next="challenged" />
  <recv response="202" optional="true" next="done" />
  <recv response="200" next="done" />

  <label id="challenged" />
  <send retrans="500"><![CDATA[${MESSAGE(2, true)}]]></send>
${skipLateChallenges('MESSAGE', ['407', '401'], 'await')}  <recv response="202" optional="true" next="done" />
  <recv response="200" />
  <label id="done" />
${LATE_CHALLENGE_SEEN}`,
);

/** The receiving phone (or the carrier): every MESSAGE gets `status`; an OPTIONS (a qualify) gets 200. */
const UAS = (status: string) =>
  scenario(
    'bench-message-uas',
    `  <recv request="OPTIONS" optional="true" next="options" />
  <recv request="MESSAGE" crlf="true" />
  <send next="end"><![CDATA[${response(status, { toTag: 'U' })}]]></send>
${ANSWER_OPTIONS}`,
  );

export interface MessageScenarios {
  readonly uac: string;
  readonly phone: string;
  readonly carrier: string;
}

export function writeMessageScenarios(dir: string): MessageScenarios {
  const paths = { uac: join(dir, 'message-uac.xml'), phone: join(dir, 'message-phone.xml'), carrier: join(dir, 'message-carrier.xml') };
  writeFileSync(paths.uac, UAC);
  writeFileSync(paths.phone, UAS('200 OK'));
  writeFileSync(paths.carrier, UAS('202 Accepted'));
  return paths;
}
