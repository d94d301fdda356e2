// Parts of SIPp scenarios that the benches' callers and callees share: a caller's call set-up with digest
// authentication, its hang-up, a REGISTER answering its 401, and a UAS's answer to a qualify.
import { ack, inDialog, invite, register, response, type Party } from './sipp-messages.ts';

/** A scenario file around its steps. */
export function scenario(name: string, steps: string): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="${name}">
${steps}</scenario>
`;
}

/**
 * The caller's INVITE with `sdp`, a 407 or 401 answered with digest credentials (-au/-ap) if one comes, the 200 and
 * its ACK. [$cseq] is the CSeq of the INVITE that was answered: 1 when no challenge came, 2 after one.
 */
export function callSetupWithDigest(caller: Party, sdp: string): string {
  return `  <nop><action><assignstr assign_to="cseq" value="1" /></action></nop>
  <send retrans="500"><![CDATA[${invite(caller, 1, false, sdp)}]]></send>
  <recv response="100" optional="true" />
  <recv response="407" optional="true" auth="true" next="challenged" />
  <recv response="401" optional="true" auth="true" next="challenged" />
  <recv response="180" optional="true" />
  <recv response="183" optional="true" />
  <recv response="200" rrs="true" next="answered" />

  <label id="challenged" />
  <send><![CDATA[${ack(caller, '1', false)}]]></send>
  <nop><action><assignstr assign_to="cseq" value="2" /></action></nop>
  <send retrans="500"><![CDATA[${invite(caller, 2, true, sdp)}]]></send>
  <recv response="100" optional="true" />
  <recv response="180" optional="true" />
  <recv response="183" optional="true" />
  <recv response="200" rrs="true" />

  <label id="answered" />
  <send><![CDATA[${ack(caller, '[$cseq]', true)}]]></send>
`;
}

/** The caller's BYE and its 200. */
export function hangUp(caller: Party, cseq: number): string {
  return `  <send retrans="500"><![CDATA[${inDialog(caller, 'BYE', cseq)}]]></send>
  <recv response="200" crlf="true" />
`;
}

/** REGISTER, its 401, and the REGISTER again with `auth` (the header line that answers the challenge). */
export function registerChallenged(user: string, tag: string, auth: string): string {
  return `  <send retrans="500"><![CDATA[${register(user, tag, 1)}]]></send>
  <recv response="100" optional="true" />
  <recv response="401" auth="true" />
  <send retrans="500"><![CDATA[${register(user, tag, 2, auth)}]]></send>
`;
}

/**
 * A UAS's qualify answer: a scenario whose first step is `<recv request="OPTIONS" optional="true" next="options" />`
 * ends with this (an out-of-dialog OPTIONS from a registrar gets 200), after its own last step jumped to "end".
 */
export const ANSWER_OPTIONS = `  <label id="options" />
  <send><![CDATA[${response('200 OK', { toTag: 'O' })}]]></send>
  <label id="end" />
`;

/**
 * While waiting for the answer to the request sent again with credentials (CSeq 2): a challenge to CSeq 1 came late
 * (its request was retransmitted before the first challenge arrived) and is skipped, as a phone's transaction layer
 * absorbs it (RFC 3261 §17.1.2.2, Completed state); a challenge to CSeq 2 fails the call (the ereg check), so wrong
 * credentials stay failures. Needs `LATE_CHALLENGE_SEEN` after the wait.
 */
export function skipLateChallenges(method: string, statuses: readonly string[], label: string): string {
  const late = (status: string) => `  <recv response="${status}" optional="true" next="${label}">
    <action><ereg regexp="^ *1 ${method}" search_in="hdr" header="CSeq:" check_it="true" assign_to="late" /></action>
  </recv>
`;
  return `  <label id="${label}" />
  <recv response="100" optional="true" />
${statuses.map(late).join('')}`;
}

/** Does nothing; there because SIPp refuses a variable (`late` of skipLateChallenges) that is referenced only once. */
export const LATE_CHALLENGE_SEEN = `  <nop><action><assignstr assign_to="late" value="" /></action></nop>
`;
