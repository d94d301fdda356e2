// Error codes to HTTP status and MiRTA text. MiRTA answers every failure with
// HTTP 200, and clients test the body, so Callgrid does too, except where a
// different status tells a client something it must act on.
import type { ErrorCode } from '../../shared/index.ts';
import { PbxError } from '../../shared/index.ts';

/** MiRTA's answer to a bad key, an unknown tenant or a tenant key without `tenant` (spec §1.4). */
export const BAD_KEY_TEXT = 'Too bad... you mistaken the security api key.';

const STATUS: Partial<Record<ErrorCode, 200 | 429 | 500>> = {
  too_many_auth_failures: 429,
  internal: 500,
};

export function statusOf(code: ErrorCode): 200 | 429 | 500 {
  return STATUS[code] ?? 200;
}

/** The error as the client sees it: bad keys all read the same, whatever the reason. */
export function publicError(error: PbxError): PbxError {
  return error.code === 'bad_key' ? new PbxError('bad_key', BAD_KEY_TEXT) : error;
}
