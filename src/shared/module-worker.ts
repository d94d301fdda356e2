// Starts a worker thread on an ES module of ours. From TypeScript sources (npm start, npm test run them through
// tsx) Node 20 does not apply the parent's --import tsx hooks to a worker's entry module, so the worker first
// registers tsx's loader itself, then imports the entry. From compiled JavaScript the entry is started directly.
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startModuleWorker(entry: URL, options: WorkerOptions): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const loader = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
