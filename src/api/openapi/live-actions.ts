// /auth/token (spec §5.4, AuthTokenService: the legacy AUTHTOKEN's tokens) and /extensions/state
// (§5.4; PeerService's registrations). Callgrid has no calls yet, so a registered extension is idle.
import { z } from 'zod';
import { PbxError } from '../../shared/index.ts';
import { OpenApiError } from './errors.ts';
import type { Action } from './report-actions.ts';

// What the token authenticates: MiRTA's only documented value; tokens stand in for the web password.
const TARGET_TYPE = 'WEBPASSWORD';

const userField = z.union([z.string().min(1), z.number().int()]).describe('the web user (us_username)');
const generateBody = z.strictObject({ user: userField, validity: z.string().describe('ONCE (single use) or YYYY-MM-DD[ HH:MM[:SS]] UTC, in the future') });
const resetBody = z.strictObject({ user: userField });

/** `user` from the body (or, for DELETE, the query), resolved to a web user. */
async function userOf(call: Parameters<Action['handle']>[0], body: Record<string, unknown>) {
  const raw = body.user ?? call.query.get('user') ?? undefined;
  if (raw === undefined || raw === null || raw === '') throw new OpenApiError('missing_user', 'Missing user: send {"user":"<username>"}.');
  if (typeof raw !== 'string' && typeof raw !== 'number') throw new OpenApiError('missing_user', 'Invalid user: expected the username as text.');
  const username = String(raw);
  // Extension web users (ex_webuser) are not stored yet: only web users can hold a token.
  const user = await call.services.users.findByUsername(username);
  if (!user) throw new OpenApiError('user_not_found', `User ${username} not found.`);
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
    if (unknown !== undefined) throw new OpenApiError('invalid_field', `Unknown field '${unknown}' for /auth/token`);
    const user = await userOf(call, body);
    if (call.method === 'DELETE') {
      await call.services.tokens.reset(user.us_id);
      return { status: 200, json: { reset: true, user: user.us_username, target_type: TARGET_TYPE } };
    }
    const text = body.validity;
    if (typeof text !== 'string' || text.trim() === '') throw new OpenApiError('invalid_validity', 'Missing validity: ONCE or a date/time such as 2026-06-30 23:59:59.');
    let validity;
    try {
      validity = call.services.tokens.parseValidity(text);
    } catch (caught) {
      if (caught instanceof PbxError && caught.code === 'invalid_parameter') throw new OpenApiError('invalid_validity', caught.message);
      throw caught;
    }
    const token = await call.services.tokens.generate(user.us_id, validity);
    return { status: 200, json: { token, user: user.us_username, target_type: TARGET_TYPE, validity: validity.kind === 'once' ? 'ONCE' : validity.until } };
  },
};

const STATE_KEYS = ['UniqueID', 'LinkedID', 'Connected Line ID', 'Connected Line ID Name', 'Context', 'Extension', 'Direction', 'OtherParty'] as const;
const idle = (): Record<(typeof STATE_KEYS)[number], string> => Object.fromEntries(STATE_KEYS.map((k) => [k, ''])) as Record<(typeof STATE_KEYS)[number], string>;

export const extensionStateAction: Action = {
  operations: {
    get: {
      summary: 'Live state of one extension: registered and idle = every value empty; not registered = UniqueID KO, LinkedID "Extension not registered".',
      parameters: [{ name: 'number', description: 'the extension number (also ext)', required: true }],
      response: z.strictObject(Object.fromEntries(STATE_KEYS.map((k) => [k, z.string()]))),
      errors: ['missing_required_field', 'extension_not_found'],
    },
  },
  async handle(call) {
    if (call.rest.length > 0) throw new OpenApiError('not_found', `Not found: /extensions/state/${call.rest.join('/')}.`);
    // §5.4: the tenant is required even with the global key (a number means nothing without it).
    if (call.scope === null) throw new OpenApiError('tenant_required', '/extensions/state needs tenant=<tenant code>, also with the global key.');
    const number = (call.query.get('number') ?? call.query.get('ext') ?? '').trim();
    if (number === '') throw new OpenApiError('missing_required_field', 'Missing number: send number=<extension number> (or ext=).');
    let registered: boolean;
    try {
      registered = (await call.services.peers.registrationOf(call.scope, number)).bindings.length > 0;
    } catch (caught) {
      if (caught instanceof PbxError && caught.code === 'not_found') throw new OpenApiError('extension_not_found', 'Extension not found.');
      throw caught;
    }
    if (!registered) return { status: 200, json: { ...idle(), UniqueID: 'KO', LinkedID: 'Extension not registered' } };
    // A call would fill UniqueID, LinkedID and the other party; without calls a registered phone is idle.
    return { status: 200, json: idle() };
  },
};
