// The soak script (`npm run soak`, bench/soak/soak.ts) as CI runs it: a short version, as a test of the script
// itself. It must start the real server, place calls with RTP, refresh registrations, read the API, print the
// node's figures each period, and end with one CDR per call and no failure. Growth is not judged here (the
// warm-up covers the whole run): a few seconds say nothing about leaks, and a test does not judge timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { skipWithoutSipp } from '../support/sipp.ts';
import { REPO } from './process.ts';

const SECONDS = 12;
const REPORT_SECONDS = 4;

function runSoak(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, SOAK_SECONDS: String(SECONDS), SOAK_REPORT_SECONDS: String(REPORT_SECONDS), SOAK_WARMUP_SECONDS: String(SECONDS), SOAK_CALL_SECONDS: '1', SOAK_REG_USERS: '5' };
    const child = spawn(process.execPath, ['--import', 'tsx', join('bench', 'soak', 'soak.ts')], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // The script has its own watchdog; this one only keeps a wedged run from holding the suite.
    const timer = setTimeout(() => child.kill('SIGTERM'), 90_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('npm run soak, short: figures every period, CDRs == calls, no failure, verdict PASS', { skip: skipWithoutSipp('the soak script test') }, async () => {
  const { code, output } = await runSoak();
  const periods = output.split('\n').filter((line) => /^\[\d+:\d\d\] calls /.test(line));
  assert.ok(periods.length >= 2, `expected a report line per period:\n${output}`);
  for (const line of periods) {
    const calls = /calls (\d+) ok, (\d+) failed of (\d+)/.exec(line);
    const cdrs = /CDRs (\d+) rows, (\d+) calls/.exec(line);
    assert.ok(calls && cdrs, `a period line without call and CDR figures: ${line}`);
    assert.equal(calls[2], '0', `failed calls: ${line}`);
    assert.ok(Number(calls[3]) > 0, `no calls placed: ${line}`);
    assert.equal(cdrs[2], calls[3], `CDR calls != calls placed: ${line}`);
    assert.match(line, /node: rss [\d.]+ MB, heap [\d.]+ MB, fds \d+, event-loop delay mean [\d.]+ ms/, `node figures missing: ${line}`);
  }
  const summary = /calls made (\d+), completed (\d+), failed (\d+).*CDR calls (\d+) \((\d+) rows\) for (\d+) calls made: CDRs == calls yes/.exec(output);
  assert.ok(summary, `no summary with CDRs == calls:\n${output}`);
  assert.equal(summary[1], summary[2], 'every call completed');
  assert.equal(summary[3], '0');
  assert.equal(summary[4], summary[1], 'one CDR call per call made over the whole run');
  assert.match(output, /verdict: PASS/);
  assert.equal(code, 0, output);
});
