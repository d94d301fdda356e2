// The audio of media files (spec §3.4.14): MANAGEDB `updatebinary`/`getbinary` and MEDIAFILE `getaudio`.
// The row lives in the catalogue; the bytes in <dataDir>/tenants/<tenantId>/media/, paths built from ids and a
// known format only, never from anything a request names. Each upload is converted once, when it arrives, to
// the relay's format (8 kHz mono 16-bit WAV, `<me_id>.8k.wav`, what PLAYBACK and IVR prompts play) and kept
// as sent too (`<me_id>.<me_format>`): getbinary answers what was uploaded, so me_size and me_md5 describe the
// bytes a client gets back, and a later, better converter can redo the conversion from the original.
import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectRow } from '../../domain/index.ts';
import { AudioConverter, type AudioConversion } from '../../media/index.ts';
import { PbxError, formatDateTime, type Clock } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import { ObjectService } from './object-service.ts';
import { OBJECT_RULES } from './rules.ts';

/** The audio formats a media file may hold, with the MIME type its audio is served as. */
export const MEDIA_FORMATS: Readonly<Record<string, string>> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  gsm: 'audio/x-gsm',
  ulaw: 'audio/basic',
  alaw: 'audio/x-alaw-basic',
  sln: 'audio/L16;rate=8000',
  g722: 'audio/G722',
};

// Headerless formats are only known by their file name's extension. G.722 is recognised so that it is refused
// by name at conversion (no decoder here) and so that rows stored before conversion still serve their audio.
const RAW_FORMATS = new Set(['gsm', 'ulaw', 'alaw', 'sln', 'g722']);

/**
 * Request bodies are capped at 1 MiB by the HTTP edge (api/app.ts); leaving 16 KiB for the multipart
 * envelope and the other fields means a file over this limit gets this service's clear message.
 */
export const DEFAULT_MEDIA_MAX_BYTES = 1024 * 1024 - 16 * 1024;

export interface MediaSettings {
  /** The installation's data directory (config dataDir); media go under <dataDir>/tenants/. */
  readonly dataDir: string;
  readonly maxBytes?: number;
}

export interface MediaAudio {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly format: string;
  readonly contentType: string;
  /** A download name built from the id and format (`3.wav`). */
  readonly fileName: string;
}

/** The format of uploaded audio: from its header when it has one, else from the name's extension. */
export function detectAudioFormat(bytes: Uint8Array, fileName: string): string {
  const ascii = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('latin1');
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (ascii(0, 3) === 'ID3' || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return 'mp3';
  if (RAW_FORMATS.has(extension)) return extension;
  const claimed = Object.hasOwn(MEDIA_FORMATS, extension) ? ` (the name says ${extension}, the content is not)` : '';
  throw new PbxError('invalid_parameter', `Invalid filename for media file: unrecognised audio${claimed}; expected WAV, MP3 or OGG, or a .gsm/.ulaw/.alaw/.sln file`);
}

export class MediaFileService {
  private readonly objects: ObjectService;
  private readonly maxBytes: number;

  /** Conversions of files stored before uploads were converted, by playable path: one at a time per file. */
  private readonly lateConversions = new Map<string, Promise<boolean>>();
  /** Those that failed, by playable path and md5, so a bad old file is not decoded again on every call. */
  private readonly unconvertible = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly settings: MediaSettings,
    /** Off the main thread by default (the process's one conversion worker); tests may pass the in-thread pipeline. */
    private readonly converter: AudioConversion = AudioConverter.shared(),
  ) {
    this.objects = new ObjectService(store, clock, OBJECT_RULES);
    this.maxBytes = settings.maxBytes ?? DEFAULT_MEDIA_MAX_BYTES;
  }

  /** Where a media file's audio lies; ids come from the store and the format from MEDIA_FORMATS. */
  pathOf(tenantId: number, id: number, format: string): string {
    if (!Number.isSafeInteger(tenantId) || tenantId < 1 || !Number.isSafeInteger(id) || id < 1 || !Object.hasOwn(MEDIA_FORMATS, format)) {
      throw new Error(`Refusing a media path for tenant ${tenantId}, id ${id}, format ${format}`);
    }
    return join(this.settings.dataDir, 'tenants', String(tenantId), 'media', `${id}.${format}`);
  }

  /** Where the converted audio of a media file lies: 8 kHz mono 16-bit WAV, the relay's one format. */
  playablePathOf(tenantId: number, id: number): string {
    return this.pathOf(tenantId, id, 'wav').replace(/\.wav$/, '.8k.wav');
  }

  /** Replaces the audio of a media file of this tenant; answers the row with its new size, md5 and format. */
  async upload(tenantId: number, id: number, bytes: Uint8Array, fileName: string): Promise<ObjectRow> {
    const row = await this.objects.get('mediafile', tenantId, id);
    if (bytes.length === 0) throw new PbxError('invalid_parameter', 'Invalid filename for media file: the file is empty');
    if (bytes.length > this.maxBytes) {
      throw new PbxError('invalid_parameter', `Invalid filename for media file: ${bytes.length} bytes is over the limit of ${this.maxBytes} bytes`);
    }
    const format = detectAudioFormat(bytes, fileName);
    // Converted before anything is written: audio that cannot be played is refused, not stored.
    const converted = await this.converter.convert(bytes, format);
    if (!converted.ok) throw new PbxError('invalid_parameter', `Invalid filename for media file: ${converted.error}`);
    const owner = Number(row.me_te_id);
    await mkdir(join(this.settings.dataDir, 'tenants', String(owner), 'media'), { recursive: true, mode: 0o700 });
    const playable = this.playablePathOf(owner, id);
    await writeAtomically(playable, converted.value.wav);
    await writeAtomically(this.pathOf(owner, id, format), bytes);
    const previous = String(row.me_format ?? '');
    if (previous !== '' && previous !== format && Object.hasOwn(MEDIA_FORMATS, previous)) await rm(this.pathOf(owner, id, previous), { force: true });
    const changes: ObjectRow = { me_format: format, me_size: bytes.length, me_md5: createHash('md5').update(bytes).digest('hex'), me_datetime: formatDateTime(this.clock.now()) };
    const updated = await this.store.objects('mediafile').update(owner, id, changes);
    if (!updated) throw new PbxError('not_found', `Media file ${id} not found`);
    return updated;
  }

  /**
   * Where the playable audio of a media file of this tenant lies (PLAYBACK and IVR play it): the 8 kHz mono WAV
   * made at upload; undefined when there is no such file or no audio uploaded. A file stored before uploads were
   * converted is converted on its first use; if it cannot be, its original is answered and the player says why.
   */
  async audioPath(tenantId: number, id: number): Promise<string | undefined> {
    let row: ObjectRow;
    try {
      row = await this.objects.get('mediafile', tenantId, id);
    } catch (error) {
      if (error instanceof PbxError && error.code === 'not_found') return undefined;
      throw error;
    }
    const format = String(row.me_format ?? '');
    if (!Object.hasOwn(MEDIA_FORMATS, format)) return undefined;
    const owner = Number(row.me_te_id);
    const playable = this.playablePathOf(owner, id);
    if (await exists(playable)) return playable;
    const original = this.pathOf(owner, id, format);
    if (!(await exists(original))) return undefined;
    const key = `${playable}:${String(row.me_md5 ?? '')}`;
    if (this.unconvertible.has(key)) return original;
    let pending = this.lateConversions.get(playable);
    if (pending === undefined) {
      pending = this.convertStored(original, format, playable).finally(() => this.lateConversions.delete(playable));
      this.lateConversions.set(playable, pending);
    }
    if (await pending) return playable;
    this.unconvertible.add(key);
    return original;
  }

  /** The audio of a media file of this tenant. */
  async audio(tenantId: number, id: number): Promise<MediaAudio> {
    const row = await this.objects.get('mediafile', tenantId, id);
    const format = String(row.me_format ?? '');
    if (!Object.hasOwn(MEDIA_FORMATS, format)) throw new PbxError('not_found', `Media file ${id} has no audio yet; upload it with updatebinary`);
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = await readFile(this.pathOf(Number(row.me_te_id), id, format));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new PbxError('not_found', `Media file ${id} has no audio on this node`);
      throw error;
    }
    return { bytes, format, contentType: MEDIA_FORMATS[format] ?? 'application/octet-stream', fileName: `${id}.${format}` };
  }

  /** Deletes the row (refused while others refer to it) and then its audio. */
  async delete(tenantId: number, id: number): Promise<ObjectRow> {
    const row = await this.objects.delete('mediafile', tenantId, id);
    const format = String(row.me_format ?? '');
    if (Object.hasOwn(MEDIA_FORMATS, format)) await rm(this.pathOf(Number(row.me_te_id), id, format), { force: true });
    await rm(this.playablePathOf(Number(row.me_te_id), id), { force: true });
    return row;
  }

  private async convertStored(original: string, format: string, playable: string): Promise<boolean> {
    try {
      const converted = await this.converter.convert(await readFile(original), format);
      if (!converted.ok) return false;
      // An upload that landed meanwhile wrote its own conversion: that one is newer than this.
      if (await exists(playable)) return true;
      await writeAtomically(playable, converted.value.wav);
      return true;
    } catch {
      // A file removed meanwhile, a full disk: the call plays the original or nothing, it does not fail here.
      return false;
    }
  }
}

/** Written aside then renamed, so a reader (the relay playing it) never sees half a file. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const partial = `${path}.${randomBytes(6).toString('hex')}.part`;
  await writeFile(partial, bytes, { mode: 0o600 });
  await rename(partial, path);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
