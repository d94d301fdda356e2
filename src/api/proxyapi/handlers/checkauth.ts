// CHECKAUTH: check a web user's username and password (or AUTHTOKEN) and tell
// what the user may manage. A tenant key only checks users of its own tenant.
import { isPbxError } from '../../../shared/index.ts';
import { plainLine } from '../format.ts';
import type { ReqtypeHandler } from '../handler.ts';

export const checkAuth: ReqtypeHandler = {
  syntax: "Check a web user's credentials.\n  username, password (or a token from AUTHTOKEN)\n  answers OK|<us_id>|<us_username>|<us_up_id>|<tenant codes, comma separated>|",
  tenant: 'optional',
  adminOnly: false,
  writes: false,
  async handle(ctx) {
    const username = ctx.params.require('username');
    const password = ctx.params.require('password');
    const scoped = ctx.caller.principal.kind === 'tenant' ? ctx.caller.tenant : undefined;
    let result;
    try {
      result = await ctx.services.users.authenticate(username, password, scoped?.te_id);
    } catch (error) {
      // Password guessing is throttled like key guessing: the address is banned after too many.
      if (isPbxError(error) && error.code === 'auth_failed') ctx.services.access.recordFailure(ctx.address);
      throw error;
    }
    const codes = result.tenants.filter((t) => scoped === undefined || t.te_id === scoped.te_id).map((t) => t.te_code);
    const { user } = result;
    return {
      kind: 'value',
      plain: plainLine(['OK', user.us_id, user.us_username, user.us_up_id, codes.join(',')]),
      json: {
        result: 'OK',
        us_id: String(user.us_id),
        us_username: user.us_username,
        us_description: user.us_description,
        us_email: user.us_email,
        us_up_id: user.us_up_id === null ? null : String(user.us_up_id),
        tenants: codes,
        via: result.via,
      },
    };
  },
};
