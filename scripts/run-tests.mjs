// Runs every *.test.ts under src/ and test/ with node's test runner through tsx (Node 20's --test does not
// expand globs itself).
//
// Node 20's runner starts one process per file, and each process loads tsx and the module graph again: well
// over a second for a file that imports the PBX, most of the suite's time spent on loading rather than testing.
// So the unit files of one folder of src/ run together in one process, each inside a suite named after its
// path (its own before/after hooks stay its own). Files under test/ (end-to-end: they start servers, phones
// and network namespaces) keep a process each. `node scripts/run-tests.mjs <part> ...` runs the files whose path
// contains a part; CALLGRID_TEST_GROUP_SIZE=1 gives every file its own process again.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : find(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const filter = process.argv.slice(2);
const files = ['src', 'test'].flatMap((dir) => find(join(root, dir))).filter((f) => filter.length === 0 || filter.some((part) => f.includes(part))).sort();
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}

const groupSize = Math.max(1, Number(process.env.CALLGRID_TEST_GROUP_SIZE ?? 30) || 30);

/** src/<a>/<b>/x.test.ts groups under src/<a>/<b>; test/... files stay alone. */
function groupKey(file) {
  const parts = relative(root, file).split('/');
  return parts[0] === 'src' && groupSize > 1 ? parts.slice(0, Math.min(3, parts.length - 1)).join('/') : relative(root, file);
}

const byKey = new Map();
for (const file of files) {
  const key = groupKey(file);
  byKey.set(key, [...(byKey.get(key) ?? []), file]);
}

const scratch = mkdtempSync(join(tmpdir(), 'callgrid-tests-'));
const entries = [];
for (const [key, members] of byKey) {
  if (members.length === 1) {
    entries.push(members[0]);
    continue;
  }
  for (let start = 0; start < members.length; start += groupSize) {
    const chunk = members.slice(start, start + groupSize);
    const lines = ["import { describe } from 'node:test';"];
    for (const file of chunk) {
      lines.push(`describe(${JSON.stringify(relative(root, file))}, async () => { await import(${JSON.stringify(pathToFileURL(file).href)}); });`);
    }
    const entry = join(scratch, `${key.replace(/[^A-Za-z0-9]+/g, '-')}-${start / groupSize + 1}.test.mjs`);
    writeFileSync(entry, `${lines.join('\n')}\n`);
    entries.push(entry);
  }
}

let status = 1;
try {
  const concurrency = process.env.CALLGRID_TEST_CONCURRENCY;
  const flags = concurrency === undefined ? [] : [`--test-concurrency=${Math.max(1, Number(concurrency) || 1)}`];
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...flags, ...entries], { stdio: 'inherit', cwd: root });
  status = result.status ?? 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(status);
