// AUTHTOKEN: a login token for a web user, usable once or until a date, in
// place of the password (CHECKAUTH accepts it). Admin full key only.
import { PbxError } from '../../../shared/index.ts';
import type { ReqtypeHandler } from '../handler.ts';
import { ok } from '../reply.ts';

export const authToken: ReqtypeHandler = {
  syntax: 'Login tokens for web users (admin key).\n  action=generate|reset, user, validity=ONCE|YYYY-MM-DD[ HH:MM:SS] (generate, UTC)\n  generate answers the token; it replaces any earlier token of the user',
  tenant: 'optional',
  adminOnly: true,
  writes: true,
  async handle(ctx) {
    const action = ctx.params.requireWord('action');
    if (action !== 'generate' && action !== 'reset') {
      throw new PbxError('unknown_action', `Unknown action ${action} for AUTHTOKEN: expected generate or reset`);
    }
    const username = ctx.params.require('user');
    const user = await ctx.services.users.findByUsername(username);
    if (!user) throw new PbxError('not_found', `Unknown user ${username}`);
    if (action === 'reset') {
      await ctx.services.tokens.reset(user.us_id);
      return ok();
    }
    const validityText = ctx.params.require('validity');
    const validity = ctx.services.tokens.parseValidity(validityText);
    const token = await ctx.services.tokens.generate(user.us_id, validity);
    return {
      kind: 'value',
      plain: token,
      json: { token, user: user.us_username, validity: validity.kind === 'once' ? 'ONCE' : validity.until },
    };
  },
};
