// userprofile (table up_userprofiles, spec §3.4.19, OpenAPI only, global): a named set of web-panel
// privileges assigned to web users (us_up_id). Its privilege rows come with the web panel.
import { col, type ObjectSchema } from './object-schema.ts';

export const userProfileSchema: ObjectSchema = {
  name: 'userprofile',
  title: 'user profile',
  table: 'up_userprofiles',
  idColumn: 'up_id',
  tenantColumn: null,
  labelColumn: 'up_name',
  columns: {
    up_name: col.text(255, { required: true }),
    up_description: col.text(1024),
    // MiRTA's built-in profiles are reserved; only the PBX marks them.
    up_reserved: col.flag({ readOnly: true }),
    up_userpanel: col.flag(),
  },
  aliases: { name: 'up_name', description: 'up_description', userpanel: 'up_userpanel' },
  uniqueInTenant: [['up_name']],
};
