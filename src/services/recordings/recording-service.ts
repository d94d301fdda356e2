// Call recordings (spec §2.12 INFO recording, playrecording, inforecording, recordings): the PBX reports each file
// it finished (the RecordingLog port) and this keeps its row; reads are tenant-scoped, another tenant's recording
// reads as not found, and audio is served as the WAV the relay wrote or as MP3 made from it.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { PbxError, formatDateTime, type Clock } from '../../shared/index.ts';
import type { RecordingRow, Store } from '../../store/index.ts';
import { parseDateWindow } from '../date-window.ts';
import { LameMp3Encoder, type Mp3Encoder } from './mp3-encoder.ts';
import { mp3PathOf, recordingName, recordingPath } from './recording-files.ts';

/** A recording the PBX finished: what the B2BUA knows when the relay's recorder has closed the file. */
export interface RecordedCall {
  readonly tenantId: number;
  /** The call's first channel's uniqueid (`<node>-<epoch>.<seq>`), the file's name. */
  readonly uniqueId: string;
  readonly linkedId: string;
  /** DIAL's originate id when the API placed the call; empty or absent otherwise. */
  readonly originateId?: string | undefined;
  /** The WAV as RecordingPaths.pathFor gave it (absolute, under the tenant's folder). */
  readonly path: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
  /** The file's size, header included (RecordingResult.bytes). */
  readonly bytes: number;
  /** Audio length, paused time left out (RecordingResult.durationMs). */
  readonly durationMs: number;
}

/** The port the PBX calls when a recording is finished. */
export interface RecordingLog {
  recorded(call: RecordedCall): Promise<unknown>;
}

export type AudioFormat = 'mp3' | 'wav';

export interface RecordingAudio {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly contentType: string;
  /** A download name: the uniqueid and the format (`n1-1795773600.9.mp3`). */
  readonly fileName: string;
}

export interface RecordingSettings {
  /** The installation's data folder (config dataDir); recordings are under <dataDir>/tenants/. */
  readonly dataDir: string;
  /** This node's name, kept with each row: the file lies on this node. */
  readonly nodeName: string;
  readonly encoder?: Mp3Encoder;
  /** Largest answer read into memory (default 256 MiB: over 4 hours of WAV, 18 of MP3). */
  readonly maxServeBytes?: number;
}

const CONTENT_TYPES: Record<AudioFormat, string> = { mp3: 'audio/mpeg', wav: 'audio/wav' };
// The PBX's ids: a node name and numbers (uniqueid), DIAL's hex ids. Anything else cannot name a recording.
const ID = /^[A-Za-z0-9_.-]{1,96}$/;

export class RecordingService implements RecordingLog {
  private readonly encoder: Mp3Encoder;
  private readonly maxServeBytes: number;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly settings: RecordingSettings,
  ) {
    this.encoder = settings.encoder ?? new LameMp3Encoder();
    this.maxServeBytes = settings.maxServeBytes ?? 256 * 1024 * 1024;
  }

  /** Keeps the row of a finished recording (a second report of the same call replaces it). */
  async recorded(call: RecordedCall): Promise<RecordingRow> {
    const originateId = call.originateId ?? '';
    if (!ID.test(call.uniqueId) || (call.linkedId !== '' && !ID.test(call.linkedId)) || (originateId !== '' && !/^[A-Za-z0-9_.-]{1,64}$/.test(originateId))) {
      throw new PbxError('invalid_parameter', `Recording of call '${call.uniqueId}': ids must be 1-96 letters, digits, '.', '_' or '-'`);
    }
    const times = [call.startedAt.getTime(), call.endedAt.getTime()];
    if (times.some((t) => !Number.isFinite(t)) || !isCount(call.bytes) || !isCount(call.durationMs)) {
      throw new PbxError('invalid_parameter', `Recording of call ${call.uniqueId}: invalid times, size or duration`);
    }
    return this.store.recordings.put(call.tenantId, {
      re_uniqueid: call.uniqueId,
      re_linkedid: call.linkedId,
      re_originateid: originateId,
      re_start: formatDateTime(call.startedAt),
      re_end: formatDateTime(call.endedAt),
      re_durationms: Math.round(call.durationMs),
      re_filename: recordingName(this.settings.dataDir, call.tenantId, call.path),
      re_format: 'wav',
      re_size: call.bytes,
      re_node: this.settings.nodeName,
    });
  }

  /** A tenant's recordings started in [start, end]; neither given means today (UTC), as INFO cdrs. */
  async list(tenantId: number, text: { readonly start?: string | undefined; readonly end?: string | undefined }): Promise<RecordingRow[]> {
    return this.store.recordings.list(tenantId, parseDateWindow(text, this.clock));
  }

  /** By uniqueid or DIAL originate id, in the tenant (or any tenant: null, the admin key); undefined when none. */
  async find(tenantId: number | null, id: string): Promise<RecordingRow | undefined> {
    const wanted = id.trim();
    return ID.test(wanted) ? this.store.recordings.find(tenantId, wanted) : undefined;
  }

  /** The audio of a recording, or undefined when there is no such recording or its file is not on this node. */
  async audio(tenantId: number | null, id: string, format: AudioFormat): Promise<RecordingAudio | undefined> {
    const row = await this.find(tenantId, id);
    if (!row) return undefined;
    // Rebuilt from the row's own tenant and its re-checked stored name.
    const wav = recordingPath(this.settings.dataDir, row.re_te_id, row.re_filename);
    const path = format === 'mp3' ? mp3PathOf(wav) : wav;
    try {
      if (format === 'mp3') await this.encoder.ensure(wav, path);
      const bytes = await this.read(path, row.re_uniqueid);
      return { bytes, contentType: CONTENT_TYPES[format], fileName: `${row.re_uniqueid}.${format}` };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private async read(path: string, uniqueId: string): Promise<Uint8Array<ArrayBuffer>> {
    // O_NOFOLLOW: a link planted in a tenant's folder is not followed out of it.
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const { size } = await handle.stat();
      if (size > this.maxServeBytes) throw new PbxError('invalid_parameter', `Recording ${uniqueId} is too large to serve: ${size} bytes, at most ${this.maxServeBytes}`);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }
}

const isCount = (n: number) => Number.isFinite(n) && n >= 0;
