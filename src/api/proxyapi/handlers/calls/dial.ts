// DIAL (spec §2.16): click-to-call. Rings the source, then connects it to dest; answers MiRTA's originate line.
import { tenantOf, type ReqtypeHandler } from '../../handler.ts';
import { dialOrder } from './dial-order.ts';

export const dial: ReqtypeHandler = {
  syntax:
    'Click-to-call: ring source, then connect it to dest.\n  tenant, source (or exten; ACCOUNT = number of account), dest (or phone), account (peer name; SOURCE = account of source, the default),\n' +
    '  var (name=value, several a=1,b=2 or a=1&b=2 URL-encoded), vars (JSON object), dialtimeout (seconds, default 30), timeout (longest call, seconds),\n' +
    '  sourceclid, destclid (as Asterisk\'s CALLERID(all): name <number>, "name" <number>, a number or a name),\n' +
    '  recording=yes|no|yeschange|nochange, server (this node\'s name: one node runs), autoanswer=yes, nofollow=yes,\n' +
    '  logqueueoutbound (only no: queues are not built)\n' +
    '  answers Success|Originate successfully queued|<id>|  json: {"Response","Message","ID","source","dest","server","node"}',
  tenant: 'required',
  adminOnly: false,
  writes: true,
  async handle(ctx) {
    const tenant = tenantOf(ctx);
    const result = await ctx.services.calls.originate(tenant.te_id, tenant.te_code, dialOrder(ctx.params));
    return {
      kind: 'value',
      plain: `Success|Originate successfully queued|${result.id}|`,
      json: { Response: 'Success', Message: 'Originate successfully queued', ID: result.id, source: result.source, dest: result.destination, server: result.node, node: result.node },
    };
  },
};
