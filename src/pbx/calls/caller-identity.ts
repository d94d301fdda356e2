// A caller's identity as SIP header text (From, P-Asserted-Identity, Remote-Party-ID): the number as a URI user
// part and the name as a quoted-string (RFC 3261 §25.1). Numbers and names come from tenants' settings and from
// other parties' headers, so nothing in them may end the URI or the header: `999@attacker>;tag=forged` once became a
// From of the attacker's choosing.

/** A number as a SIP user part: letters, digits and `+ - . _ ~ * ! ' ( )` stay, everything else is %-escaped. */
export function callerUser(number: string): string {
  return number.replace(/[^0-9A-Za-z+\-._~*!'()]/g, (c) => [...Buffer.from(c)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

/** A display name as a quoted-string followed by a space ('' when there is none): quotes and backslashes escaped, control characters (CR, LF) dropped. */
export function displayName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '');
  return clean === '' ? '' : `"${clean.replace(/["\\]/g, (c) => `\\${c}`)}" `;
}

/** `"Name" <sip:number@host>`, safe whatever the name and number hold. */
export function callerNameAddr(name: string, number: string, host: string): string {
  return `${displayName(name)}<sip:${callerUser(number)}@${host}>`;
}
