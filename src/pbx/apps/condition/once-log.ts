// Remembers which problems were already logged, so a condition stored wrong is said once, not on every call it routes.
// Bounded: past `max` distinct problems it starts over (a problem may then be said once more).

export class OnceLog {
  private readonly seen = new Set<string>();

  constructor(private readonly max = 1000) {}

  /** True the first time `key` is seen. */
  first(key: string): boolean {
    if (this.seen.has(key)) return false;
    if (this.seen.size >= this.max) this.seen.clear();
    this.seen.add(key);
    return true;
  }
}
