// INFO recordings, inforecording, recording and playrecording (spec §2.12): a tenant's call recordings, one's
// metadata, and its audio, as MP3 (MiRTA's audio/mpeg) or, with format=wav, the WAV the PBX wrote. A recording that
// is not there, or is another tenant's, answers an empty 200 as MiRTA does: clients test the body's length.
import type { RecordingRow } from '../../../../services/index.ts';
import { PbxError } from '../../../../shared/index.ts';
import { plainTable } from '../../format.ts';
import { tenantOf, type RequestContext } from '../../handler.ts';
import type { Format, Reply } from '../../reply.ts';
import type { InfoType } from './info-type.ts';

/** CDR column names where a CDR has the same value, so a client joins the two on uniqueid. */
export const RECORDING_COLUMNS = ['ID', 'uniqueid', 'linkedid', 'originateid', 'start', 'end', 'duration', 'filename', 'format', 'size'] as const;
type RecordingLine = Record<(typeof RECORDING_COLUMNS)[number], string>;

/** MiRTA's raw rows: every value a string. `duration` in whole seconds, as a CDR's. */
function line(row: RecordingRow): RecordingLine {
  return {
    ID: String(row.re_id), uniqueid: row.re_uniqueid, linkedid: row.re_linkedid, originateid: row.re_originateid, start: row.re_start, end: row.re_end,
    duration: String(Math.round(row.re_durationms / 1000)), filename: row.re_filename, format: row.re_format, size: String(row.re_size),
  };
}

/** The tenant named, or any tenant for the admin key without one (the spec's DIAL example names none). */
function scopeOf(ctx: RequestContext): number | null {
  if (ctx.caller.tenant) return ctx.caller.tenant.te_id;
  return ctx.caller.principal.kind === 'admin' ? null : tenantOf(ctx).te_id;
}

function idOf(ctx: RequestContext): string {
  const id = ctx.params.get('id')?.trim();
  // The wording MiRTA answers (spec §1.4).
  if (!id) throw new PbxError('missing_parameter', 'No id specified');
  return id;
}

const COLUMNS_TEXT = RECORDING_COLUMNS.join('|');

export const infoRecordings: InfoType = {
  syntax:
    `the tenant's call recordings: start, end (YYYY-MM-DD[ HH:MM:SS]; default today), by start\n  plain: ${COLUMNS_TEXT} with a header;` +
    ' json: array of objects (string values); csv',
  tenant: 'required',
  formats: ['plain', 'json', 'csv'],
  async handle(ctx) {
    const rows = await ctx.services.recordings.list(tenantOf(ctx).te_id, { start: ctx.params.get('start'), end: ctx.params.get('end') });
    return { kind: 'table', columns: RECORDING_COLUMNS, rows: rows.map(line), header: true, formats: ['plain', 'json', 'csv'] };
  },
};

export const infoRecording: InfoType = {
  syntax: `metadata of one recording: id (uniqueid or DIAL originate id)\n  plain: ${COLUMNS_TEXT} with a header; json: one object; not found: empty (json null)`,
  tenant: 'optional',
  async handle(ctx) {
    const row = await ctx.services.recordings.find(scopeOf(ctx), idOf(ctx));
    if (!row) return { kind: 'empty', jsonNull: true };
    const values = line(row);
    return { kind: 'value', plain: plainTable(RECORDING_COLUMNS, [values], true), json: values };
  },
};

const AUDIO_FORMATS: readonly Format[] = ['plain', 'json', 'mp3', 'wav'];

/** `recording` saves the audio (attachment), `playrecording` plays it in the browser (inline). */
function recordingAudio(disposition: 'attachment' | 'inline'): InfoType {
  return {
    syntax:
      `${disposition === 'inline' ? 'recording audio, played in the browser' : 'recording audio, as a download'}: id (uniqueid or DIAL originate id)\n` +
      '  audio/mpeg; format=wav: the WAV as recorded (audio/wav); not found: an empty body',
    tenant: 'optional',
    formats: AUDIO_FORMATS,
    async handle(ctx): Promise<Reply> {
      const audio = await ctx.services.recordings.audio(scopeOf(ctx), idOf(ctx), ctx.format === 'wav' ? 'wav' : 'mp3');
      if (!audio) return { kind: 'empty' };
      return { kind: 'binary', bytes: audio.bytes, contentType: audio.contentType, download: { disposition, fileName: audio.fileName } };
    },
  };
}

export const infoRecordingAudio = recordingAudio('attachment');
export const infoPlayRecording = recordingAudio('inline');
