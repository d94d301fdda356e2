// The recording settings a call reads from the store: the tenant's RECORDING setting (se_settings; MiRTA keeps its
// tenant-wide recording flag in a column it does not publish), an extension's ex_recording by SIP account, a DID's
// di_recording by number. Values are MiRTA's yes / no / yeschange / nochange (recording-policy.ts).
import type { Store } from '../../store/index.ts';
import type { RecordingSettings } from './call-recording.ts';
import { recordingMode, type RecordingMode } from './recording-policy.ts';

/** The se_settings code of the tenant-wide recording setting. */
export const TENANT_RECORDING_SETTING = 'RECORDING';

export class StoreRecordingSettings implements RecordingSettings {
  constructor(private readonly store: Store) {}

  async tenant(tenantId: number): Promise<RecordingMode | undefined> {
    return recordingMode(await this.store.settings.get(tenantId, TENANT_RECORDING_SETTING));
  }

  async extension(tenantId: number, account: string): Promise<RecordingMode | undefined> {
    const [row] = await this.store.objects('extension').list(tenantId, { ex_username: account }, { limit: 1, columns: ['ex_recording'] });
    return recordingMode(row?.ex_recording);
  }

  async did(tenantId: number, number: string): Promise<RecordingMode | undefined> {
    const [row] = await this.store.objects('did').list(tenantId, { di_number: number }, { limit: 1, columns: ['di_recording'] });
    return recordingMode(row?.di_recording);
  }
}
