// Console output of the CLI: aligned tables and the one-line error format.
import { isPbxError } from '../shared/index.ts';

export function printTable(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): void {
  const cells = [columns, ...rows.map((row) => row.map((v) => String(v ?? '')))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  for (const row of cells) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

/** One clear line on stderr and a non-zero exit. */
export function fail(error: unknown): never {
  const message = isPbxError(error) || error instanceof Error ? error.message : String(error);
  console.error(`callgrid: ${message}`);
  process.exit(1);
}
