// conference (table cr_conferencerooms, spec §3.4.6): a MeetMe room of one tenant. MiRTA's cr_ columns,
// then the MeetMe booking fields clients send flat (`pin`, `adminpin`, ..., §3.2) as cr_<field> columns.
import { col, type ObjectSchema } from './object-schema.ts';

const DIALABLE = { regex: /^[0-9*#+]{1,32}$/, describe: 'digits (and * # +), 1-32 long' };
const PIN = { regex: /^[0-9]{1,32}$/, describe: 'digits only, 1-32 long' };

export const conferenceSchema: ObjectSchema = {
  name: 'conference',
  title: 'conference',
  table: 'cr_conferencerooms',
  idColumn: 'cr_id',
  tenantColumn: 'cr_te_id',
  labelColumn: 'cr_name',
  columns: {
    cr_number: col.text(32, { required: true, pattern: DIALABLE }),
    cr_name: col.text(255, { required: true }),
    cr_hosted: col.flag(),
    cr_bookid: col.int({ readOnly: true }),
    cr_rrid: col.int(),
    cr_sendreport: col.flag(),
    cr_sendreportemail: col.text(1024),
    cr_sendreportemailfromdate: col.datetime(),
    cr_requestpinmeid: col.ref('mediafile'),
    cr_pinenteredmeid: col.ref('mediafile'),
    cr_adminpinenteredmeid: col.ref('mediafile'),
    // The MeetMe row. PINs are secrets: accepted, never shown (as OpenAPI hides them).
    cr_confno: col.text(80),
    cr_pin: col.text(32, { writeOnly: true, pattern: PIN }),
    cr_adminpin: col.text(32, { writeOnly: true, pattern: PIN }),
    cr_opts: col.text(255),
    cr_adminopts: col.text(255),
    cr_starttime: col.datetime(),
    cr_endtime: col.datetime(),
    cr_maxusers: col.int(),
    cr_recordingformat: col.oneOf(['', 'wav', 'gsm', 'wav49'], ''),
  },
  aliases: {
    name: 'cr_name',
    number: 'cr_number',
    hosted: 'cr_hosted',
    rate_id: 'cr_rrid',
    request_pin_mediafile_id: 'cr_requestpinmeid',
    confno: 'cr_confno',
    pin: 'cr_pin',
    adminpin: 'cr_adminpin',
    opts: 'cr_opts',
    adminopts: 'cr_adminopts',
    starttime: 'cr_starttime',
    startdate: 'cr_starttime',
    endtime: 'cr_endtime',
    enddate: 'cr_endtime',
    maxusers: 'cr_maxusers',
    recordingformat: 'cr_recordingformat',
  },
  uniqueInTenant: [['cr_number']],
};
