// SIP digest authentication, server side (RFC 3261 §22 on RFC 2617; SHA-256 per RFC 8760 / RFC 7616).
export {
  DigestAuthenticator,
  type DigestAuthenticatorOptions,
  type DigestVerification,
  type DigestVerifyRequest,
  type PasswordLookup,
  type StaleReason,
  URI_MISMATCH,
} from './digest-authenticator.ts';
export { computeDigestResponse, type DigestAlgorithm, type DigestInput } from './digest-algorithm.ts';
export { credentialsForRealm, parseCredentials, type DigestCredentials } from './digest-credentials.ts';
export { parseDigestParams } from './digest-params.ts';
export { digestRefusalPhrase } from './digest-refusal.ts';
export { digestAuthorization, isStaleChallenge, pickChallenge } from './digest-client.ts';
