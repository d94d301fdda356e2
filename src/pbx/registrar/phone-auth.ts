// Digest authentication of a phone's out-of-dialog INVITE, SUBSCRIBE or MESSAGE (RFC 3261 §22.3, 407 Proxy
// Authentication Required): the one check calls, presence and messaging share. REGISTER has its own (registrar.ts, 401).
import { err, ok, type Result } from '../../shared/index.ts';
import { parseNameAddr, parseUri, type DigestAuthenticator, type NameAddr, type SipRequest, type SipUri } from '../../sip/index.ts';
import type { AuthBan } from './auth-ban.ts';
import type { SipAccount, SipAccountDirectory, SipDomainPolicy } from './ports.ts';
import { authenticateRegister } from './register-auth.ts';

/** What the check reads: the digest verifier, the accounts, the realm of each domain and the failed-digest ban. */
export interface PhoneAuthDeps {
  readonly authenticator: DigestAuthenticator;
  readonly accounts: SipAccountDirectory;
  readonly domains: SipDomainPolicy;
  readonly ban?: AuthBan;
}

/** The answer a refused request gets. */
export interface SipRefusal {
  readonly status: number;
  readonly reason: string;
  readonly headers?: Array<[string, string]>;
}

/** The Request-URI (its user part is the number asked for) and the From of a phone's request. */
export interface PhoneRequestParties {
  readonly requestUri: SipUri & { readonly user: string };
  readonly from: NameAddr;
  readonly fromUri: SipUri;
}

/** The Request-URI and From a phone's request must carry: 404 without a number, 400 with a From that does not parse. */
export function phoneRequestParties(request: SipRequest): Result<PhoneRequestParties, SipRefusal> {
  const requestUri = parseUri(request.uri);
  const from = parseNameAddr(request.headers.get('from') ?? '');
  const fromUri = from.ok ? parseUri(from.value.uri) : undefined;
  if (!requestUri.ok || requestUri.value.user === undefined) return err({ status: 404, reason: 'Not Found' });
  if (!from.ok || fromUri === undefined || !fromUri.ok) return err({ status: 400, reason: 'Bad From Header' });
  return ok({ requestUri: { ...requestUri.value, user: requestUri.value.user }, from: from.value, fromUri: fromUri.value });
}

/**
 * The account whose credentials the request carries (Proxy-Authorization, in the realm of the Request-URI's domain,
 * the account looked up at the From's domain), or the answer: 407 with a challenge, or 400 for broken credentials.
 * Nonces go to `source` and are usable from it only, so a failure counted against it (the ban) is never a forged one.
 */
export async function authenticatePhone(request: SipRequest, parties: PhoneRequestParties, source: string, deps: PhoneAuthDeps, defaultRealm: string): Promise<Result<SipAccount, SipRefusal>> {
  const realm = (await deps.domains.realmFor(parties.requestUri.host)) ?? defaultRealm;
  const auth = await authenticateRegister(request, { authenticator: deps.authenticator, accounts: deps.accounts, realm, domain: parties.fromUri.host, header: 'proxy-authorization', source });
  if (auth.kind === 'ok') return ok(auth.account);
  const challenge = (stale: boolean): SipRefusal => ({
    status: 407,
    reason: 'Proxy Authentication Required',
    headers: deps.authenticator.challenge(realm, { stale, source }).map((value) => ['Proxy-Authenticate', value]),
  });
  if (auth.kind === 'challenge') return err(challenge(auth.stale));
  deps.ban?.recordFailure(source);
  // Unknown user and wrong password get the same fresh challenge, so the answer tells no one which it was.
  return err(auth.reason === 'malformed' ? { status: 400, reason: auth.phrase } : challenge(false));
}
