// <data dir>/callgrid.pid: which process `callgrid start` runs as, so `callgrid drain` on the same host can signal it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PbxError } from '../../shared/index.ts';

export const PID_FILE = 'callgrid.pid';

export function writePidFile(dataDir: string): void {
  writeFileSync(join(dataDir, PID_FILE), `${process.pid}\n`, { mode: 0o644 });
}

/** Removes the file only while it still names this process (a newer start may have taken the folder over). */
export function removePidFile(dataDir: string): void {
  try {
    if (readFileSync(join(dataDir, PID_FILE), 'utf8').trim() === String(process.pid)) rmSync(join(dataDir, PID_FILE), { force: true });
  } catch {
    // already gone
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, run by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The pid of the running node of this data folder. A file left by a node that was killed names a dead process, or
 * one that took its number since: on Linux its command line must still be Callgrid's, so no stranger gets the signal.
 */
export function runningNodePid(dataDir: string): number {
  const path = join(dataDir, PID_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new PbxError('not_found', `No running node: ${path} does not exist (is 'callgrid start' running with this CALLGRID_DATA_DIR?)`);
  }
  const pid = Number(text.trim());
  if (!Number.isSafeInteger(pid) || pid < 2) throw new PbxError('invalid_config', `${path} holds no process id`);
  if (!isAlive(pid) || !looksLikeCallgrid(pid)) throw new PbxError('not_found', `No running node: process ${pid} named in ${path} is not running (the file is stale)`);
  return pid;
}

function looksLikeCallgrid(pid: number): boolean {
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return true; // no /proc (macOS): the liveness check is all there is
  }
  return /callgrid|cli[\\/]index\.ts/.test(commandLine);
}
