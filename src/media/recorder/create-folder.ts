// createFolder: `mkdir -p` in a bounded number of steps. Node 20's recursive mkdir never settles (it spins, retrying)
// when a folder exists but refuses a child with ENOENT, as /proc does; here each missing level is made once.
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export async function createFolder(path: string): Promise<void> {
  const missing: string[] = [];
  for (let folder = resolve(path); ; ) {
    const found = await stat(folder).catch((error: unknown) => {
      if (codeOf(error) === 'ENOENT') return undefined;
      throw error;
    });
    if (found !== undefined) {
      if (!found.isDirectory()) throw Object.assign(new Error(`${folder} is not a folder`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(folder);
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  for (const folder of missing.reverse()) {
    await mkdir(folder).catch((error: unknown) => {
      // Made meanwhile by someone else (another recording in the same folder): that is what we wanted.
      if (codeOf(error) !== 'EEXIST') throw error;
    });
  }
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
