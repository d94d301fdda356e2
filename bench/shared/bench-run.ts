// How a bench ends, whatever ends it (its own finish, an error, Ctrl-C or a wedged child tripping the watchdog):
// the cleanup runs exactly once, so no server, SIPp or sink outlives the run, and the exit code tells which it was.

export interface BenchRunOptions {
  /** Stops what the bench started and removes its work directory; called once however the run ends. */
  readonly cleanup: () => Promise<void>;
  /** The longest the whole run may take before the watchdog stops it (exit 1). */
  readonly budgetMs: number;
  /** Print an error's stack (a bench's own bug) rather than only its message (a missing tool, a refused start). */
  readonly stack?: boolean;
}

export interface BenchRun {
  /** Runs `main` and exits with its code (1 if it threw), after the cleanup. */
  finish(main: () => Promise<number>): Promise<never>;
}

export function guardRun(options: BenchRunOptions): BenchRun {
  let cleaned: Promise<void> | undefined;
  const cleanup = () => (cleaned ??= options.cleanup());
  const watchdog = setTimeout(() => {
    console.error(`bench: gave up after ${Math.round(options.budgetMs / 1000)} s`);
    void cleanup().finally(() => process.exit(1));
  }, options.budgetMs);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  return {
    async finish(main) {
      let exitCode = 1;
      try {
        exitCode = await main();
      } catch (error) {
        console.error(`bench: ${(options.stack ? (error as Error).stack : undefined) ?? (error as Error).message}`);
      } finally {
        clearTimeout(watchdog);
        await cleanup();
      }
      process.exit(exitCode);
    },
  };
}
