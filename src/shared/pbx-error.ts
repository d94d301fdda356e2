// The one error type of Callgrid. Layers below the API throw PbxError with a
// string-literal code; only the API layer maps codes to HTTP status and MiRTA text.

export type ErrorCode =
  | 'bad_key' // unknown key, unknown tenant, or tenant key without `tenant`: MiRTA's "Too bad..." answer
  | 'too_many_auth_failures'
  | 'read_only_key'
  | 'admin_required'
  | 'missing_parameter'
  | 'invalid_parameter'
  | 'unknown_reqtype'
  | 'unknown_info'
  | 'unknown_object'
  | 'unknown_action'
  | 'unsupported_format'
  | 'invalid_callback'
  | 'not_found'
  | 'conflict'
  | 'auth_failed'
  | 'not_implemented'
  | 'invalid_config'
  | 'method_not_allowed'
  | 'payload_too_large' // a body over the cap of api/request-body.ts
  // Refusals openapi.php names on their own (spec §5.6); proxyapi.php has its own words for them.
  | 'missing_api_key'
  | 'tenant_required'
  | 'tenant_not_found'
  | 'invalid_json'
  | 'unknown_path' // an HTTP path that names no resource
  | 'missing_user'
  | 'invalid_validity'
  | 'user_not_found'
  | 'extension_not_found'
  | 'internal';

export class PbxError extends Error {
  readonly code: ErrorCode;
  /** For refusals that end (a ban): when the caller may try again. */
  readonly retryAfterSeconds: number | undefined;
  /** For a method refused (method_not_allowed): the methods that are allowed. */
  readonly allow: readonly string[] | undefined;

  constructor(code: ErrorCode, message: string, details: { retryAfterSeconds?: number; allow?: readonly string[] } = {}) {
    super(message);
    this.name = 'PbxError';
    this.code = code;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.allow = details.allow;
  }
}

export function isPbxError(value: unknown): value is PbxError {
  return value instanceof PbxError;
}
