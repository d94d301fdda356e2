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
  | 'internal';

export class PbxError extends Error {
  readonly code: ErrorCode;
  /** For refusals that end (a ban): when the caller may try again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, details: { retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'PbxError';
    this.code = code;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export function isPbxError(value: unknown): value is PbxError {
  return value instanceof PbxError;
}
