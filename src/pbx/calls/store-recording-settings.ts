// The recording settings a call reads from the store: the tenant's RECORDING setting (se_settings; MiRTA keeps its
// tenant-wide recording flag in a column it does not publish), an extension's ex_recording by SIP account, a DID's
// di_recording by number. Values are MiRTA's yes / no / yeschange / nochange (recording-policy.ts).
import { systemClock, type Clock } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import { requireColumns, StoreLookupCache, type StoreExtensionRows } from '../dialplan/index.ts';
import type { RecordingSettings } from './call-recording.ts';
import { recordingMode, type RecordingMode } from './recording-policy.ts';

/** The se_settings code of the tenant-wide recording setting. */
export const TENANT_RECORDING_SETTING = 'RECORDING';

/** What lets a call read these once instead of at every party (main.ts); without, every read queries the store. */
export interface RecordingSettingsOptions {
  /** Extension rows shared with the call directory (ex_recording is one of their columns). */
  readonly extensions?: StoreExtensionRows;
  /** The tenant's setting and DIDs' flags are kept this long (CALLGRID_LOOKUP_CACHE_SECONDS); 0 = not kept. */
  readonly cacheMs?: number;
  readonly clock?: Clock;
}

export class StoreRecordingSettings implements RecordingSettings {
  private readonly values: StoreLookupCache<string | number | null | undefined>;

  constructor(
    private readonly store: Store,
    private readonly options: RecordingSettingsOptions = {},
  ) {
    if (options.extensions !== undefined) requireColumns('StoreRecordingSettings', ['ex_recording']);
    this.values = new StoreLookupCache(options.clock ?? systemClock, options.cacheMs ?? 0);
  }

  async tenant(tenantId: number): Promise<RecordingMode | undefined> {
    return recordingMode(await this.values.read(`${tenantId}|setting`, () => this.store.settings.get(tenantId, TENANT_RECORDING_SETTING)));
  }

  async extension(tenantId: number, account: string): Promise<RecordingMode | undefined> {
    const shared = this.options.extensions;
    if (shared !== undefined) return recordingMode((await shared.byAccount(tenantId, account))?.ex_recording);
    const [row] = await this.store.objects('extension').list(tenantId, { ex_username: account }, { limit: 1, columns: ['ex_recording'] });
    return recordingMode(row?.ex_recording);
  }

  async did(tenantId: number, number: string): Promise<RecordingMode | undefined> {
    const value = await this.values.read(`${tenantId}|did|${number}`, async () => {
      const [row] = await this.store.objects('did').list(tenantId, { di_number: number }, { limit: 1, columns: ['di_recording'] });
      return row?.di_recording;
    });
    return recordingMode(value);
  }
}
