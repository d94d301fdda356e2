// /auth/token (spec §5.4, AuthTokenService: the legacy AUTHTOKEN's tokens).
import { z } from 'zod';
import { PbxError } from '../../shared/index.ts';
import type { Action } from './report-actions.ts';

// What the token authenticates: MiRTA's only documented value; tokens stand in for the web password.
const TARGET_TYPE = 'WEBPASSWORD';

const userField = z.union([z.string().min(1), z.number().int()]).describe('the web user (us_username)');
const generateBody = z.strictObject({ user: userField, validity: z.string().describe('ONCE (single use) or YYYY-MM-DD[ HH:MM[:SS]] UTC, in the future') });
const resetBody = z.strictObject({ user: userField });

/** `user` from the body (or, for DELETE, the query), resolved to a web user. */
async function userOf(call: Parameters<Action['handle']>[0], body: Record<string, unknown>) {
  const raw = body.user ?? call.query.get('user') ?? undefined;
  if (raw === undefined || raw === null || raw === '') throw new PbxError('missing_user', 'Missing user: send {"user":"<username>"}.');
  if (typeof raw !== 'string' && typeof raw !== 'number') throw new PbxError('missing_user', 'Invalid user: expected the username as text.');
  const username = String(raw);
  // Extension web users (ex_webuser) are not stored yet: only web users can hold a token.
  const user = await call.services.users.findByUsername(username);
  if (!user) throw new PbxError('user_not_found', `User ${username} not found.`);
  return user;
}

export const authTokenAction: Action = {
  operations: {
    post: {
      summary: 'A login token for a web user (global full key); it replaces any earlier token of the user.',
      body: generateBody,
      response: z.strictObject({ token: z.string(), user: z.string(), target_type: z.literal(TARGET_TYPE), validity: z.string() }),
      errors: ['missing_user', 'invalid_validity', 'user_not_found', 'invalid_json'],
    },
    delete: {
      summary: "Removes the user's token.",
      body: resetBody,
      response: z.strictObject({ reset: z.literal(true), user: z.string(), target_type: z.literal(TARGET_TYPE) }),
      errors: ['missing_user', 'user_not_found', 'invalid_json'],
    },
  },
  async handle(call) {
    const body = await call.body(call.method === 'DELETE');
    const known = call.method === 'DELETE' ? ['user'] : ['user', 'validity'];
    const unknown = Object.keys(body).find((k) => !known.includes(k));
    if (unknown !== undefined) throw new PbxError('invalid_parameter', `Unknown field '${unknown}' for /auth/token`);
    const user = await userOf(call, body);
    if (call.method === 'DELETE') {
      await call.services.tokens.reset(user.us_id);
      return { status: 200, json: { reset: true, user: user.us_username, target_type: TARGET_TYPE } };
    }
    const text = body.validity;
    if (typeof text !== 'string' || text.trim() === '') throw new PbxError('invalid_validity', 'Missing validity: ONCE or a date/time such as 2026-06-30 23:59:59.');
    let validity;
    try {
      validity = call.services.tokens.parseValidity(text);
    } catch (caught) {
      if (caught instanceof PbxError && caught.code === 'invalid_parameter') throw new PbxError('invalid_validity', caught.message);
      throw caught;
    }
    const token = await call.services.tokens.generate(user.us_id, validity);
    return { status: 200, json: { token, user: user.us_username, target_type: TARGET_TYPE, validity: validity.kind === 'once' ? 'ONCE' : validity.until } };
  },
};
