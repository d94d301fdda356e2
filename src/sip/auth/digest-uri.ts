// Is the digest-uri the resource of the Request-URI? RFC 2617 §3.2.2.5: the server "must assure that the resource
// designated by the uri directive is the same as the resource specified in the Request-Line"; a proxy may rewrite
// the Request-URI in a "semantically equivalent" way, so SIP URIs are compared loosely.

const SIP_URI = /^(sips?):(?:([^@]*)@)?(\[[^\]]+\]|[^:;?]+)(?::(\d{1,5}))?(?:[;?].*)?$/i;

export function sameResource(digestUri: string, requestUri: string): boolean {
  const a = normalize(digestUri);
  const b = normalize(requestUri);
  return a !== undefined && a === b;
}

/** scheme:user@host:port for sip/sips (parameters and headers ignored, default port filled in); else the decoded text. */
function normalize(uri: string): string | undefined {
  const text = uri.trim().replace(/^<(.*)>$/, '$1');
  const sip = SIP_URI.exec(text);
  if (!sip) return decode(text);
  const [, scheme = '', user, host = '', port] = sip;
  const lowerScheme = scheme.toLowerCase();
  const decodedUser = user === undefined ? '' : decode(user);
  if (decodedUser === undefined) return undefined;
  // As §19.1.4: host case-insensitive, user case-sensitive, escapes decoded. Looser than §19.1.4 on purpose: an
  // omitted port equals the default one, and parameters are ignored (a proxy may add or drop either).
  return `${lowerScheme}:${decodedUser}@${host.toLowerCase()}:${port ?? (lowerScheme === 'sips' ? '5061' : '5060')}`;
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
