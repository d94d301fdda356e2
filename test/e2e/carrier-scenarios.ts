// SIPp scenarios for the carrier e2e test: the provider as UAS (challenges the INVITE with 407 and checks the
// rewritten number and the digest username of the retry) and as UAC (calls a DID, talks 3 s, hangs up).

const SDP = `v=0
o=carrier 1 1 IN IP[media_ip_type] [media_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
`;

/**
 * The provider as UAS; `presented` is a regex for the user part the P-Asserted-Identity must name, `formats` one for
 * the payload types of the offer's m=audio line (POSIX extended, as SIPp reads it: end it with [[:cntrl:]] to pin the
 * line's end, since an attribute cannot hold a CR or LF).
 */
export const carrierUas = (presented = '100', formats = '[0-9 ]+'): string => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier uas">
  <recv request="INVITE">
    <action><ereg regexp="^INVITE sip:\\+41441234567@" search_in="msg" check_it="true" assign_to="ruri"/></action>
  </recv>
  <send><![CDATA[
SIP/2.0 407 Proxy Authentication Required
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Proxy-Authenticate: Digest realm="carrier.test", nonce="n[pid]x[call_number]", algorithm=MD5, qop="auth"
Content-Length: 0

]]></send>
  <recv request="ACK"/>
  <recv request="INVITE">
    <action>
      <ereg regexp="username=\\"trunkuser\\"" search_in="hdr" header="Proxy-Authorization:" check_it="true" assign_to="auth"/>
      <ereg regexp="sip:${presented}@127.0.0.1" search_in="hdr" header="P-Asserted-Identity:" check_it="true" assign_to="pai"/>
      <ereg regexp="m=audio [0-9]+ RTP/AVP ${formats}" search_in="body" check_it="true" assign_to="formats"/>
    </action>
  </recv>
  <send><![CDATA[
SIP/2.0 180 Ringing
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag02[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:carrier@[local_ip]:[local_port]>
Content-Length: 0

]]></send>
  <send retrans="500"><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag02[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:carrier@[local_ip]:[local_port]>
X-Checked: [$ruri] [$auth] [$pai] [$formats]
Content-Type: application/sdp
Content-Length: [len]

${SDP}]]></send>
  <recv request="ACK"/>
  <recv request="BYE"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
</scenario>
`;

export const CARRIER_UAC = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier uac">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Customer" <sip:+15551234@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:carrier@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

${SDP}]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
From: "Customer" <sip:+15551234@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
  <pause milliseconds="3000"/>
  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
From: "Customer" <sip:+15551234@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>
`;

/**
 * The carrier calls a DID answered by the PBX itself and only listens: its SDP names `mediaPort` (a socket of the
 * test that counts what arrives), it sends no RTP, and it waits for the PBX's BYE once the message has played.
 */
export const carrierListener = (mediaPort: number): string => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier listens">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Customer" <sip:+15551234@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:carrier@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

${SDP.replace('[media_port]', String(mediaPort))}]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
From: "Customer" <sip:+15551234@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv request="BYE" timeout="15000"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
</scenario>
`;

const ok200 = `  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>`;

/**
 * The carrier as UAS without telephone-event in its answer (a trunk that takes keys only as SIP INFO): it expects
 * the caller's key `digit` to arrive as an INFO with application/dtmf-relay, then the BYE.
 */
export const carrierUasExpectingInfo = (digit: string): string => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier uas expecting INFO">
  <recv request="INVITE"/>
  <send retrans="500"><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag02[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:carrier@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

${SDP}]]></send>
  <recv request="ACK"/>
  <recv request="INFO">
    <action>
      <ereg regexp="application/dtmf-relay" search_in="hdr" header="Content-Type:" check_it="true" assign_to="type"/>
      <ereg regexp="Signal=${digit}" search_in="body" check_it="true" assign_to="signal"/>
    </action>
  </recv>
${ok200}
  <recv request="BYE"/>
${ok200}
  <Reference variables="type,signal"/>
</scenario>
`;

/** The carrier calls a DID offering telephone-event, yet sends key `digit` as SIP INFO, then hangs up. */
export const carrierUacSendingInfo = (digit: string): string => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier uac sending INFO">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Customer" <sip:+15551234@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:carrier@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

${SDP.replace('RTP/AVP 0', 'RTP/AVP 0 101')}a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
From: "Customer" <sip:+15551234@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
  <pause milliseconds="1000"/>
  <send retrans="500"><![CDATA[
INFO [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
From: "Customer" <sip:+15551234@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 2 INFO
Max-Forwards: 70
Content-Type: application/dtmf-relay
Content-Length: [len]

Signal=${digit}
Duration=200
]]></send>
  <recv response="200"/>
  <pause milliseconds="1500"/>
  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
From: "Customer" <sip:+15551234@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 3 BYE
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>
`;

/**
 * The carrier as UAS for a hunt list's outside member that must confirm (hu_requestconfirm): it answers with
 * telephone-event 101 and then, with `press`, replays SIPp's own capture of key 1 as RFC 4733 (dtmf_2833_1.pcap) and
 * waits for the caller's BYE; without it, it stays silent and must get the PBX's BYE (the call was not confirmed).
 */
export const carrierMemberConfirming = (press: boolean): string => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier member ${press ? 'pressing 1' : 'staying silent'}">
  <recv request="INVITE">
    <action><ereg regexp="m=audio [0-9]+ RTP/AVP [08]( [08])?( [0-9]+)?[[:cntrl:]]" search_in="body" check_it="true" assign_to="g711"/></action>
  </recv>
  <send><![CDATA[
SIP/2.0 180 Ringing
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag03[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:carrier@[local_ip]:[local_port]>
Content-Length: 0

]]></send>
  <send retrans="500"><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag03[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:carrier@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

${SDP.replace('RTP/AVP 0', 'RTP/AVP 0 101')}a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
]]></send>
  <recv request="ACK"/>
${press ? '  <pause milliseconds="1200"/>\n  <nop><action><exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_1.pcap"/></action></nop>' : ''}
  <recv request="BYE" timeout="12000"/>
${ok200}
  <Reference variables="g711"/>
</scenario>
`;
