// Seeded fuzzing for parser tests: a small deterministic PRNG (mulberry32) and byte-level mutations of real
// inputs, so a failing case is found again from its seed. Parsers under fuzz must return Results, never throw.

/** mulberry32: a fast 32-bit PRNG, plenty for test inputs; the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface MutationOptions {
  /** Bytes on the boundaries of the format under test (separators, header bits). */
  readonly interesting: readonly number[];
  /** Format-specific edits, tried beside the generic ones (e.g. inserting a line break). */
  readonly extra?: ReadonlyArray<(bytes: number[], at: number, random: () => number) => void>;
}

/** 1-2 (sometimes up to 8) edits: flip, insert, delete, duplicate, truncate, or a format-specific one. */
export function mutate(input: Buffer, random: () => number, options: MutationOptions): Buffer {
  const { interesting, extra = [] } = options;
  let bytes = [...input];
  const pick = (n: number) => Math.floor(random() * n);
  const edits = 1 + pick(random() < 0.7 ? 2 : 8);
  for (let e = 0; e < edits; e++) {
    const at = pick(bytes.length + 1);
    const kind = pick(6 + extra.length);
    if (kind === 0) bytes[at] = pick(256);
    else if (kind === 1) bytes.splice(at, 0, interesting[pick(interesting.length)] ?? 0);
    else if (kind === 2) bytes.splice(at, 1 + pick(16));
    else if (kind === 3) bytes.splice(at, 0, ...bytes.slice(pick(bytes.length), pick(bytes.length) + 1 + pick(64)));
    else if (kind === 4) bytes = bytes.slice(0, at);
    else if (kind < 5 + extra.length) extra[kind - 5]?.(bytes, at, random);
    else bytes[at] = interesting[pick(interesting.length)] ?? 0;
  }
  return Buffer.from(bytes);
}
