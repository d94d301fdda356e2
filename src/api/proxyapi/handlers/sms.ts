// SMS (spec §2.25): sends an SMS from an extension through the SMS providers of its routing profile. The answer is
// undocumented; Callgrid answers as DIAL does: `Success|SMS successfully queued|<id>|`, the id being INFO sms's ID.
// A dest that is one of the tenant's own extensions reaches its phones as SIP MESSAGE (provider empty).
import { tenantOf, type ReqtypeHandler } from '../handler.ts';

export const sms: ReqtypeHandler = {
  syntax:
    'Send an SMS from an extension.\n  tenant, source (or exten; ACCOUNT = number of account), account (peer name; SOURCE = account of source, the default),\n' +
    '  dest (the phone number, or an extension of the tenant: sent to its phones as SIP MESSAGE), destclid (sender shown; default the extension\'s SMS caller id), server (this node\'s name), message (the text)\n' +
    '  answers Success|SMS successfully queued|<id>|  json: {"Response","Message","ID","from","to","parts","provider"}; the outcome is in INFO sms',
  tenant: 'required',
  adminOnly: false,
  writes: true,
  async handle(ctx) {
    const tenant = tenantOf(ctx);
    const p = ctx.params;
    const queued = await ctx.services.sms.send(tenant.te_id, {
      source: p.get('source') ?? p.get('exten') ?? '',
      account: p.get('account'),
      dest: p.get('dest') ?? '',
      destclid: p.get('destclid'),
      server: p.get('server'),
      message: p.get('message') ?? '',
    });
    return {
      kind: 'value',
      plain: `Success|SMS successfully queued|${queued.id}|`,
      json: { Response: 'Success', Message: 'SMS successfully queued', ID: String(queued.id), from: queued.from, to: queued.to, parts: String(queued.parts), provider: queued.providerId === null ? '' : String(queued.providerId) },
    };
  },
};
