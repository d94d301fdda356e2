// Where recordings lie: `<dataDir>/tenants/<tenantId>/recordings/<YYYY-MM-DD>/<uniqueid>.wav`. A row keeps the name
// relative to its tenant's folder; a path is only ever rebuilt from a stored, re-checked name and the row's own
// tenant, never from anything a request names.
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PbxError } from '../../shared/index.ts';

/** The only shape a stored recording name may have: no other folder, no `..`, no absolute path. */
const RECORDING_NAME = /^recordings\/\d{4}-\d{2}-\d{2}\/[A-Za-z0-9_-][A-Za-z0-9_.-]{0,95}\.wav$/;

export function tenantFolder(dataDir: string, tenantId: number): string {
  if (!Number.isSafeInteger(tenantId) || tenantId < 1) throw new Error(`Refusing a folder for tenant ${tenantId}`);
  return resolve(dataDir, 'tenants', String(tenantId));
}

/** The stored name of a file the PBX wrote for this tenant; refused unless it lies in the tenant's recordings. */
export function recordingName(dataDir: string, tenantId: number, path: string): string {
  const name = relative(tenantFolder(dataDir, tenantId), resolve(path)).split(sep).join('/');
  if (isAbsolute(name) || !RECORDING_NAME.test(name)) {
    throw new PbxError('invalid_parameter', `Recording ${path} is not a WAV in the recordings folder of tenant ${tenantId}`);
  }
  return name;
}

/** The file behind a stored name, checked again so that a row written by other means cannot point elsewhere. */
export function recordingPath(dataDir: string, tenantId: number, name: string): string {
  if (!RECORDING_NAME.test(name)) throw new Error(`Refusing stored recording name '${name}' of tenant ${tenantId}`);
  return join(tenantFolder(dataDir, tenantId), ...name.split('/'));
}

/** The MP3 made from a recording sits beside its WAV. */
export function mp3PathOf(wavPath: string): string {
  return `${wavPath.slice(0, -'.wav'.length)}.mp3`;
}
