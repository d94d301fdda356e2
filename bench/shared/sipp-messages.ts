// SIP messages in SIPp scenario syntax, shared by the benches' scenarios (bench/calls, bench/apps, bench/sms,
// bench/sip): the [keywords] are SIPp's, filled in per call ([call_number], [branch], [len], [last_Via:], ...).
// SIPp strips the blanks that start each line of a message; an empty line ends the headers.

const LINE = '\n      ';

/** What goes between `<![CDATA[` and `]]>`: the lines, the empty line, then the body if any. */
export function message(lines: readonly (string | false)[], body?: string): string {
  const kept = lines.filter((line): line is string => line !== false);
  return `${LINE}${kept.join(LINE)}\n\n${body === undefined ? '' : `      ${body}\n`}  `;
}

export const VIA = 'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport';

/** One party of a scenario: its user in From and Contact, and the letter that keeps its tags apart from others'. */
export interface Party {
  readonly user: string;
  readonly tag: string;
}

export const from = (party: Party) => `From: <sip:${party.user}@[remote_ip]:[remote_port]>;tag=[pid]${party.tag}[call_number]`;

/** A G.711 mu-law offer or answer, 20 ms packets; `events`: RFC 4733 telephone-event on that payload type too. */
export function pcmuSdp(options: { port: string | number; address?: string; origin?: string; version?: number; events?: number; direction?: string }): string {
  const address = options.address ?? '127.0.0.1';
  const events = options.events;
  return [
    'v=0',
    `o=${options.origin ?? 'callgrid-bench'} [call_number] ${options.version ?? 1} IN IP4 ${address}`,
    's=-',
    `c=IN IP4 ${address}`,
    't=0 0',
    `m=audio ${options.port} RTP/AVP 0${events === undefined ? '' : ` ${events}`}`,
    'a=rtpmap:0 PCMU/8000',
    ...(events === undefined ? [] : [`a=rtpmap:${events} telephone-event/8000`, `a=fmtp:${events} 0-16`]),
    'a=ptime:20',
    `a=${options.direction ?? 'sendrecv'}`,
  ].join(LINE);
}

/** An INVITE to [service] at the server; `auth`: with the [authentication] answer to the challenge before it. */
export function invite(caller: Party, cseq: number, auth: boolean, sdp: string): string {
  return message(
    [
      'INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0',
      VIA,
      from(caller),
      'To: <sip:[service]@[remote_ip]:[remote_port]>',
      'Call-ID: [call_id]',
      `CSeq: ${cseq} INVITE`,
      `Contact: <sip:${caller.user}@[local_ip]:[local_port]>`,
      auth && '[authentication]',
      'Max-Forwards: 70',
      'User-Agent: callgrid-bench',
      'Content-Type: application/sdp',
      'Content-Length: [len]',
    ],
    sdp,
  );
}

/**
 * The ACK of an INVITE: to a non-2xx final answer it belongs to the INVITE transaction (RFC 3261 §17.1.1.3: the
 * INVITE's Request-URI and Via, [last_Via:]); to a 200 it is a new transaction along the route set ([next_url], [routes]).
 */
export function ack(caller: Party, cseq: string, answered: boolean): string {
  return message([
    answered ? 'ACK [next_url] SIP/2.0' : 'ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0',
    answered ? VIA : '[last_Via:]',
    from(caller),
    '[last_To:]',
    'Call-ID: [call_id]',
    `CSeq: ${cseq} ACK`,
    answered && '[routes]',
    'Max-Forwards: 70',
    'Content-Length: 0',
  ]);
}

/** A request inside the dialog the 200 set up, along its route set. */
export function inDialog(caller: Party, method: string, cseq: number, extra: readonly string[] = [], body?: string): string {
  return message(
    [
      `${method} [next_url] SIP/2.0`,
      VIA,
      from(caller),
      '[last_To:]',
      'Call-ID: [call_id]',
      `CSeq: ${cseq} ${method}`,
      ...(body === undefined ? [] : [`Contact: <sip:${caller.user}@[local_ip]:[local_port]>`]),
      '[routes]',
      'Max-Forwards: 70',
      ...extra,
      body === undefined ? 'Content-Length: 0' : 'Content-Length: [len]',
    ],
    body,
  );
}

/**
 * A REGISTER of `user` from SIPp's own port (Contact and source address alike), to the server's address as
 * Request-URI; `auth` is the header line that answers the 401 (SIPp's [authentication], or an injection field).
 */
export function register(user: string, tag: string, cseq: number, auth?: string): string {
  return message([
    'REGISTER sip:[remote_ip]:[remote_port] SIP/2.0',
    VIA,
    `From: <sip:${user}@[remote_ip]:[remote_port]>;tag=[pid]${tag}[call_number]`,
    `To: <sip:${user}@[remote_ip]:[remote_port]>`,
    'Call-ID: [call_id]',
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:${user}@[local_ip]:[local_port]>`,
    'Expires: 3600',
    auth ?? false,
    'Max-Forwards: 70',
    'User-Agent: callgrid-bench',
    'Content-Length: 0',
  ]);
}

/**
 * A response to the last request, its headers copied from it; `toTag`: the letter of the To tag a UAS adds (a
 * response inside a dialog already has one); `extra`: headers after CSeq; `body`: an SDP.
 */
export function response(status: string, options: { toTag?: string; cseq?: string; extra?: readonly string[]; body?: string } = {}): string {
  return message(
    [
      `SIP/2.0 ${status}`,
      '[last_Via:]',
      '[last_From:]',
      `[last_To:]${options.toTag === undefined ? '' : `;tag=[pid]${options.toTag}[call_number]`}`,
      '[last_Call-ID:]',
      options.cseq ?? '[last_CSeq:]',
      ...(options.extra ?? []),
      ...(options.body === undefined ? ['Content-Length: 0'] : ['Content-Type: application/sdp', 'Content-Length: [len]']),
    ],
    options.body,
  );
}
