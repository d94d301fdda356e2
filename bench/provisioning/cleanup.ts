// Teardown for the provisioning bench: undo steps run once, newest first, on normal exit, failure or Ctrl-C.
type Undo = () => Promise<void> | void;

const steps: Array<{ label: string; undo: Undo }> = [];
let running: Promise<void> | undefined;

/** Registers an undo step; the returned function runs it now (and drops it from the exit list). */
export function onCleanup(label: string, undo: Undo): () => Promise<void> {
  const step = { label, undo };
  steps.push(step);
  return async () => {
    const index = steps.indexOf(step);
    if (index < 0) return;
    steps.splice(index, 1);
    await undo();
  };
}

/** Runs every pending undo step, newest first; a failing step is reported and the others still run. */
export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    while (steps.length > 0) {
      const step = steps.pop();
      if (!step) break;
      try {
        await step.undo();
      } catch (error) {
        console.error(`bench: cleanup of ${step.label} failed: ${(error as Error).message}`);
      }
    }
    running = undefined;
  })();
  return running;
}

/** Ctrl-C or SIGTERM: clean up, then exit 130. */
export function cleanupOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`bench: ${signal}, cleaning up`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
}
