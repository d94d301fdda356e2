// The bench's SIP users: N distinct extension numbers with their passwords, and the SIPp injection files that carry them.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchUser {
  /** The extension number, e.g. `10000`. */
  readonly number: string;
  /** The digest username, MiRTA style `<ext>-<TENANT>`, used for both servers so one CSV serves both. */
  readonly username: string;
  readonly password: string;
}

/** Five-digit numbers from 10000, so N up to 89,999 stays one width; random passwords so no two runs share one. */
export function makeUsers(count: number, tenant: string): BenchUser[] {
  if (count < 1 || count > 89_999) throw new Error('the user count must be 1..89999');
  const users: BenchUser[] = [];
  for (let i = 0; i < count; i++) {
    const number = String(10_000 + i);
    // Upper case, lower case and digits, in case the server applies a password rule.
    const password = `Pw${randomBytes(8).toString('hex')}${i % 10}`;
    users.push({ number, username: `${number}-${tenant}`, password });
  }
  return users;
}

/**
 * Writes the users into `parts` SIPp injection files, dealt round-robin so parallel SIPp processes never register
 * the same user at once. Returns the file paths. field0 is the username; field1 is the whole [authentication]
 * keyword, because SIPp 3.6 cannot nest [field1] inside [authentication ...] (it garbles the header), while a
 * keyword that comes from an injection field is expanded.
 */
export function writeInjectionFiles(dir: string, users: readonly BenchUser[], parts: number): string[] {
  const paths: string[] = [];
  for (let part = 0; part < parts; part++) {
    // SEQUENTIAL: call k takes line k (wrapping), so every user registers before any registers twice.
    const lines = ['SEQUENTIAL'];
    for (let i = part; i < users.length; i += parts) {
      const user = users[i];
      if (user) lines.push(`${user.username};[authentication username=${user.username} password=${user.password}]`);
    }
    const path = join(dir, `users-${parts}-${part}.csv`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    paths.push(path);
  }
  return paths;
}
