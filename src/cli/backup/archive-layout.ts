// What a Callgrid backup archive holds, and the entry check that keeps a restore inside its folder (tar-slip).
export const MANIFEST = 'callgrid-backup.json';
/** The SQLite database, at the archive's root whatever its name in the data folder. */
export const DATABASE = 'callgrid.db';
/**
 * What of the data folder a backup copies beside the database: each tenant's folder (media, recordings,
 * voicemail: whatever the PBX keeps per tenant) and the SIP nonce secret, so digest nonces a phone holds
 * stay valid. credentials.json is left out on purpose: it holds first-start keys in clear text.
 */
export const DATA_ENTRIES = ['tenants', 'sip-nonce.secret'] as const;

export interface Manifest {
  readonly format: 'callgrid-backup';
  readonly version: 1;
  /** ISO-8601 UTC. */
  readonly created: string;
  readonly node: string;
  /** Whether the archive holds the database (SQLite) or only the folders (PostgreSQL: pg_dump's). */
  readonly database: 'sqlite' | 'none';
}

export function parseManifest(text: string): Manifest | undefined {
  try {
    const value = JSON.parse(text) as Partial<Manifest>;
    if (value.format !== 'callgrid-backup' || value.version !== 1) return undefined;
    if (value.database !== 'sqlite' && value.database !== 'none') return undefined;
    return value as Manifest;
  } catch {
    return undefined;
  }
}

const FILE_TYPES = new Set(['File', 'OldFile']);

/**
 * Why an archive entry may not be restored, or undefined when it may. Only plain files and folders under the
 * names a backup writes are accepted: no absolute path, no `..`, no link of any kind (a link could point a
 * later entry outside the target), so every entry lands inside the data folder.
 */
export function entryProblem(path: string, type: string): string | undefined {
  if (!FILE_TYPES.has(type) && type !== 'Directory') return `is a ${type} entry (only files and folders are restored)`;
  if (path.includes('\0') || path.includes('\\')) return 'has a NUL or a backslash in its path';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'has an absolute path';
  const segments = (type === 'Directory' ? path.replace(/\/$/, '') : path).split('/');
  if (segments.some((segment) => segment === '..')) return "climbs out with '..'";
  if (segments.some((segment) => segment === '' || segment === '.')) return 'has an empty or "." path segment';
  const [top = '', ...rest] = segments;
  if (top === 'tenants') return rest.length === 0 && type !== 'Directory' ? 'should be a folder' : undefined;
  if (top === MANIFEST || top === DATABASE || top === 'sip-nonce.secret') {
    return rest.length === 0 && FILE_TYPES.has(type) ? undefined : 'should be a file at the archive root';
  }
  return 'is not part of a Callgrid backup';
}
