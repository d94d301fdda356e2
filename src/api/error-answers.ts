// The one error funnel of the HTTP edge: a thrown value becomes a PbxError, and one table says how each edge
// answers its code: proxyapi.php (MiRTA's text, HTTP 200 unless a client must act), openapi.php (spec §5.6's
// JSON code and HTTP status) and the plain answers of the HTTP server itself (404, 405, 500 as text).
import { PbxError, type ErrorCode } from '../shared/index.ts';
import { RequestTooLarge } from './request-body.ts';

/** MiRTA's answer to a bad key, an unknown tenant or a tenant key without `tenant` (spec §1.4). */
export const BAD_KEY_TEXT = 'Too bad... you mistaken the security api key.';

// openapi.php's: the observed 65-byte body is exactly this message (§5.6); clients may compare it.
const INVALID_KEY_MESSAGE = 'Invalid API key.';

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

/** How the edges answer one code. */
interface EdgeAnswers {
  /** The HTTP status where the status tells the error: openapi.php, and the server's own plain answers. */
  readonly status: number;
  /** openapi.php's code. */
  readonly openapi: OpenApiCode;
  /** openapi.php's message, when it is not the error's own. */
  readonly openapiMessage?: (message: string) => string;
  /**
   * proxyapi.php's HTTP status. MiRTA answers every failure with 200 and clients test the body, so Callgrid
   * does too (the default), except where a different status tells a client something it must act on.
   */
  readonly mirtaStatus?: 413 | 429 | 500;
  /** proxyapi.php's text, when it is not the error's own. */
  readonly mirtaText?: string;
}

const invalidKey = (): string => INVALID_KEY_MESSAGE;

/** Every code, exhaustively, so a new code cannot be forgotten at any edge. */
const ANSWERS: Readonly<Record<ErrorCode, EdgeAnswers>> = {
  // Every bad-key refusal reads the same, whatever the reason, on both APIs.
  bad_key: { status: 401, openapi: 'invalid_api_key', openapiMessage: invalidKey, mirtaText: BAD_KEY_TEXT },
  auth_failed: { status: 401, openapi: 'invalid_api_key', openapiMessage: invalidKey },
  too_many_auth_failures: { status: 429, openapi: 'too_many_auth_failures', mirtaStatus: 429 },
  missing_api_key: { status: 401, openapi: 'missing_api_key' },
  read_only_key: { status: 403, openapi: 'read_only_api_key' },
  admin_required: { status: 403, openapi: 'admin_required' },
  tenant_required: { status: 400, openapi: 'tenant_required' },
  tenant_not_found: { status: 404, openapi: 'tenant_not_found' },
  missing_parameter: { status: 400, openapi: 'missing_required_field' },
  invalid_parameter: { status: 400, openapi: 'invalid_field' },
  invalid_json: { status: 400, openapi: 'invalid_json' },
  unknown_reqtype: { status: 404, openapi: 'not_found' },
  unknown_info: { status: 404, openapi: 'not_found' },
  unknown_object: { status: 404, openapi: 'not_found' },
  unknown_action: { status: 404, openapi: 'not_found' },
  unknown_path: { status: 404, openapi: 'not_found' },
  unsupported_format: { status: 400, openapi: 'invalid_format' },
  invalid_callback: { status: 400, openapi: 'invalid_format' },
  not_found: { status: 404, openapi: 'object_not_found' },
  missing_user: { status: 400, openapi: 'missing_user' },
  invalid_validity: { status: 400, openapi: 'invalid_validity' },
  user_not_found: { status: 404, openapi: 'user_not_found' },
  extension_not_found: { status: 404, openapi: 'extension_not_found' },
  conflict: { status: 409, openapi: 'conflict' },
  not_implemented: { status: 501, openapi: 'not_implemented' },
  method_not_allowed: { status: 405, openapi: 'method_not_allowed' },
  payload_too_large: { status: 413, openapi: 'payload_too_large', openapiMessage: (message) => `${message}.`, mirtaStatus: 413 },
  invalid_config: { status: 500, openapi: 'internal_error' },
  // What went wrong inside is logged, not told.
  internal: { status: 500, openapi: 'internal_error', openapiMessage: () => 'Internal error.', mirtaStatus: 500 },
};

/** Anything thrown that is not a PbxError: the caller logs it, the client reads only this. */
const internalError = (): PbxError => new PbxError('internal', 'Internal error');

/** The one error handler's first half: a thrown value as a PbxError; anything unexpected is reported to `unexpected`. */
export function knownError(caught: unknown, unexpected: (caught: unknown) => void): PbxError {
  if (caught instanceof PbxError) return caught;
  unexpected(caught);
  return internalError();
}

/**
 * The row an error is answered by. A body over a cap is refused as too large (413) whatever code it carries;
 * it carries invalid_parameter, which proxyapi.php's X-Callgrid-Error keeps showing.
 */
const answersOf = (error: PbxError): EdgeAnswers => ANSWERS[error instanceof RequestTooLarge ? 'payload_too_large' : error.code];

function extraHeaders(error: PbxError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (error.allow !== undefined) headers.Allow = error.allow.join(', ');
  if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.retryAfterSeconds);
  return headers;
}

/** proxyapi.php: the error as the client reads it (rendered in the request's format by format.ts), status and headers. */
export function mirtaAnswer(error: PbxError): { readonly shown: PbxError; readonly status: 200 | 413 | 429 | 500; readonly headers: Record<string, string> } {
  const answers = answersOf(error);
  return { shown: publicError(error), status: answers.mirtaStatus ?? 200, headers: { 'X-Callgrid-Error': error.code, ...extraHeaders(error) } };
}

/** The error as a proxyapi.php client sees it: bad keys all read the same, whatever the reason. */
export function publicError(error: PbxError): PbxError {
  const text = ANSWERS[error.code].mirtaText;
  return text === undefined ? error : new PbxError(error.code, text);
}

/** proxyapi.php's HTTP status for a code. */
export const mirtaStatusOf = (code: ErrorCode): 200 | 413 | 429 | 500 => ANSWERS[code].mirtaStatus ?? 200;

export interface EdgeAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** openapi.php: `{"error":{"code","message"}}` with §5.6's code and status, after the edge's own headers. */
export function openApiAnswer(error: PbxError, headers: Readonly<Record<string, string>>): EdgeAnswer {
  const answers = answersOf(error);
  const message = answers.openapiMessage ? answers.openapiMessage(error.message) : error.message;
  return {
    status: answers.status,
    headers: { ...headers, ...extraHeaders(error), 'X-Callgrid-Error': answers.openapi },
    body: JSON.stringify({ error: { code: answers.openapi, message } }),
  };
}

/** The HTTP server's own answers (no such path, a method refused, an internal error): one line of text. */
export function plainAnswer(error: PbxError): EdgeAnswer {
  return {
    status: answersOf(error).status,
    headers: { 'Content-Type': 'text/plain; charset=UTF-8', ...extraHeaders(error), 'X-Callgrid-Error': error.code },
    body: `${error.message}\n`,
  };
}

/** A method refused: the message names the methods allowed, and so does the Allow header. */
export const methodNotAllowed = (message: string, allowed: readonly string[]): PbxError => new PbxError('method_not_allowed', message, { allow: allowed });
