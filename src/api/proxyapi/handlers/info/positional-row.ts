// MiRTA's json rows as PHP's mysqli_fetch_array(MYSQLI_BOTH) builds them (spec §1.5): every value under its position
// in MiRTA's column order and under its name, interleaved ("0", first name, "1", second name, ...). Clients read such
// rows by index (INFO dids `[2]`..`[5]`, `[13]`), so the positions follow MiRTA's order, not Callgrid's.

export type Cell = string | null;
type Row = Readonly<Record<string, Cell>>;

/**
 * The rows with both keys, and their JSON text. The text is written here because a JavaScript object always lists
 * integer-like keys first, which would lose MiRTA's interleaved order. A column of `order` a row lacks leaves a gap
 * (the later positions do not move); a column of the row that `order` does not list keeps its name only.
 */
export function withPositions(rows: readonly Row[], order: readonly string[]): { json: Array<Record<string, Cell>>; jsonText: string } {
  const json: Array<Record<string, Cell>> = [];
  const texts: string[] = [];
  for (const row of rows) {
    const object: Record<string, Cell> = {};
    const members: string[] = [];
    const add = (key: string, value: Cell) => {
      object[key] = value;
      members.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
    };
    const listed = new Set<string>();
    order.forEach((name, position) => {
      if (!Object.hasOwn(row, name)) return;
      listed.add(name);
      const value = row[name] ?? null;
      add(String(position), value);
      add(name, value);
    });
    for (const [name, value] of Object.entries(row)) if (!listed.has(name)) add(name, value ?? null);
    json.push(object);
    texts.push(`{${members.join(',')}}`);
  }
  return { json, jsonText: `[${texts.join(',')}]` };
}
