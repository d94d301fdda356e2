// openapi.php errors (spec §5.6): `{"error":{"code","message"}}` with MiRTA's codes and HTTP statuses,
// and the one table that turns Callgrid's PbxError codes into them.
import { PbxError, type ErrorCode } from '../../shared/index.ts';
import { RequestTooLarge } from '../request-body.ts';

/** §5.6 codes, plus Callgrid's own where §5.6 has none (marked). */
export type OpenApiCode =
  | 'missing_api_key'
  | 'invalid_api_key'
  | 'tenant_required'
  | 'tenant_not_found'
  | 'invalid_json'
  | 'missing_required_field'
  | 'invalid_field' // Callgrid: a field with a wrong value or an unknown field name
  | 'read_only_api_key'
  | 'method_not_allowed'
  | 'not_found'
  | 'object_not_found'
  | 'admin_required'
  | 'conflict' // Callgrid: duplicate number, object in use, tenant limit reached
  | 'invalid_format'
  | 'missing_user' // /auth/token without user
  | 'invalid_validity' // /auth/token validity neither ONCE nor a future date/time
  | 'user_not_found' // /auth/token for a user that does not exist
  | 'extension_not_found' // /extensions/state for a number the tenant does not have
  | 'too_many_auth_failures' // Callgrid: the bad-key throttle
  | 'not_implemented' // Callgrid: a documented resource whose capability is not built yet
  | 'payload_too_large' // Callgrid: a body over the cap of request-body.ts
  | 'internal_error';

export const STATUS: Readonly<Record<OpenApiCode, number>> = {
  missing_api_key: 401,
  invalid_api_key: 401,
  tenant_required: 400,
  tenant_not_found: 404,
  invalid_json: 400,
  missing_required_field: 400,
  invalid_field: 400,
  read_only_api_key: 403,
  method_not_allowed: 405,
  not_found: 404,
  object_not_found: 404,
  admin_required: 403,
  conflict: 409,
  invalid_format: 400,
  missing_user: 400,
  invalid_validity: 400,
  user_not_found: 404,
  extension_not_found: 404,
  too_many_auth_failures: 429,
  not_implemented: 501,
  payload_too_large: 413,
  internal_error: 500,
};

/** Every PbxError code, as openapi.php names it (exhaustive, so a new code cannot be forgotten). */
const FROM_PBX: Readonly<Record<ErrorCode, OpenApiCode>> = {
  bad_key: 'invalid_api_key',
  too_many_auth_failures: 'too_many_auth_failures',
  read_only_key: 'read_only_api_key',
  admin_required: 'admin_required',
  missing_parameter: 'missing_required_field',
  invalid_parameter: 'invalid_field',
  unknown_reqtype: 'not_found',
  unknown_info: 'not_found',
  unknown_object: 'not_found',
  unknown_action: 'not_found',
  unsupported_format: 'invalid_format',
  invalid_callback: 'invalid_format',
  not_found: 'object_not_found',
  conflict: 'conflict',
  auth_failed: 'invalid_api_key',
  not_implemented: 'not_implemented',
  invalid_config: 'internal_error',
  method_not_allowed: 'method_not_allowed',
  internal: 'internal_error',
};

// The observed 65-byte body is exactly this message (§5.6); clients may compare it.
export const INVALID_KEY_MESSAGE = 'Invalid API key.';

export class OpenApiError extends Error {
  constructor(
    readonly code: OpenApiCode,
    message: string,
    /** Extra response headers (Allow, Retry-After). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'OpenApiError';
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export function fromPbxError(error: PbxError): OpenApiError {
  const code = FROM_PBX[error.code];
  // Every bad-key refusal reads the same, whatever the reason, as on proxyapi.php.
  const message = code === 'invalid_api_key' ? INVALID_KEY_MESSAGE : error.message;
  const headers: Record<string, string> = error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) };
  return new OpenApiError(code, message, headers);
}

/** Any thrown value as an OpenApiError; anything unexpected is an internal error (and is logged by the caller). */
export function toOpenApiError(caught: unknown): OpenApiError | undefined {
  if (caught instanceof OpenApiError) return caught;
  if (caught instanceof RequestTooLarge) return new OpenApiError('payload_too_large', `${caught.message}.`);
  if (caught instanceof PbxError) return fromPbxError(caught);
  return undefined;
}

export const errorBody = (error: OpenApiError): string => JSON.stringify({ error: { code: error.code, message: error.message } });

export const methodNotAllowed = (method: string, what: string, allowed: readonly string[]): OpenApiError =>
  new OpenApiError('method_not_allowed', `Method ${method} is not allowed on ${what}; use ${allowed.join(', ')}`, { Allow: allowed.join(', ') });
