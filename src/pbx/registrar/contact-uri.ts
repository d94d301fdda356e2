// Contact URI equivalence for the registrar's binding search (RFC 3261 §10.3 step 7 "using the URI comparison
// rules", which are §19.1.4). Pairwise, because the §19.1.4 relation is not transitive: no key function fits it.
import { parseUri, type SipUri } from '../../sip/index.ts';

/** Parameters that, present in either URI, must be present in both with equal values (§19.1.4). */
const STRICT_PARAMS = ['user', 'ttl', 'method', 'maddr', 'transport'] as const;

export function sameContactUri(a: string, b: string): boolean {
  if (a === b) return true;
  const left = parseUri(a);
  const right = parseUri(b);
  // A URI outside sip/sips/tel cannot be compared by these rules: only identical text matches (checked above).
  if (!left.ok || !right.ok) return false;
  return equivalent(left.value, right.value);
}

function equivalent(a: SipUri, b: SipUri): boolean {
  // "A SIP and SIPS URI are never equivalent." parseUri lower-cases the scheme and host already.
  if (a.scheme !== b.scheme) return false;
  // "Comparison of the userinfo of SIP and SIPS URIs is case-sensitive" (escapes are decoded by parseUri).
  if (a.user !== b.user || a.password !== b.password) return false;
  if (a.host !== b.host) return false;
  // "A URI omitting any component with a default value will not match a URI explicitly containing that component
  // with its default value": 5060 and no port differ.
  if (a.port !== b.port) return false;
  for (const name of STRICT_PARAMS) {
    // "A URI that includes an maddr parameter will not match a URI that contains no maddr parameter" (and the same
    // for user, ttl, method, transport); values compare case-insensitively.
    if (!sameValue(a.params.get(name), b.params.get(name))) return false;
  }
  // "All other uri-parameters appearing in both URIs are compared ... Any other uri-parameter appearing in only one
  // URI is ignored when comparing the two URIs."
  for (const [name, value] of a.params) {
    if ((STRICT_PARAMS as readonly string[]).includes(name) || !b.params.has(name)) continue;
    if (!sameValue(value, b.params.get(name))) return false;
  }
  // "URI header components are never ignored. Any present header component MUST be present in both URIs and match
  // for the URIs to match."
  if (a.headers.size !== b.headers.size) return false;
  for (const [name, value] of a.headers) {
    const other = [...b.headers].find(([otherName]) => otherName.toLowerCase() === name.toLowerCase());
    if (other === undefined || other[1] !== value) return false;
  }
  return true;
}

function sameValue(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a === null || b === null) return a === b;
  return a.toLowerCase() === b.toLowerCase();
}
