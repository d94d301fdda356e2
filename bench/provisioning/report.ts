// The provisioning bench's summary: one row per engine with rows/s for create and both lists, problems below.
import type { EngineResult, Figure, RunSettings } from './engine-run.ts';

const cell = (figure: Figure): string => ('problem' in figure ? (figure.problem === 'not run' ? 'not run' : 'FAILED') : figure.rowsPerSecond.toFixed(0));
const detail = (figure: Figure): string => ('problem' in figure ? '' : ` (${(figure.seconds * 1000).toFixed(0)} ms)`);

/** Prints the table; true when every figure was measured. */
export function printResults(results: readonly EngineResult[], settings: RunSettings): boolean {
  const header = ['engine', 'create rows/s', 'MANAGEDB list rows/s', 'openapi list rows/s'];
  const rows = results.map((r) => [r.engine, cell(r.create), cell(r.managedbList), cell(r.openapiList)]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((text, i) => (i === 0 ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0))).join(' | ');

  console.log(
    `\n${settings.rows} extensions; create: MANAGEDB add, ${settings.concurrency} in flight (keep-alive); ` +
      `MANAGEDB list: one request; openapi list: pages of ${settings.pageSize}; lists: median of ${settings.listRepeats}\n`,
  );
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
  for (const row of rows) console.log(line(row));

  let complete = true;
  for (const result of results) {
    for (const [what, figure] of [['create', result.create], ['MANAGEDB list', result.managedbList], ['openapi list', result.openapiList]] as const) {
      if ('problem' in figure) {
        complete = false;
        if (figure.problem !== 'not run') console.log(`\n${result.engine} ${what} failed: ${figure.problem}`);
      } else {
        console.log(`${result.engine} ${what}: ${figure.rowsPerSecond.toFixed(0)} rows/s${detail(figure)}`);
      }
    }
  }
  return complete;
}
