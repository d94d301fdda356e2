// `callgrid drain`: asks the node running on this host (found through <data dir>/callgrid.pid) to drain, with the
// same SIGTERM a supervisor sends, so there is one way in and it needs no key. A node on another host is drained by
// its own supervisor (systemctl stop, docker stop), which sends that SIGTERM.
import { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { PbxError } from '../../shared/index.ts';
import { isAlive, runningNodePid } from './pid-file.ts';

export function drainCommand(program: Command): void {
  program
    .command('drain')
    .description('drain the node running on this data folder: refuse new calls, let calls in progress end (CALLGRID_DRAIN_SECONDS), then exit')
    .option('--wait', 'wait until the node has exited')
    .option('--now', 'end its calls at once (BYE, CDRs written) instead of waiting for them')
    .action(async (options: { wait?: boolean; now?: boolean }) => {
      const config = loadConfig();
      const pid = runningNodePid(config.dataDir);
      process.kill(pid, options.now ? 'SIGINT' : 'SIGTERM');
      console.log(
        options.now
          ? `Node ${config.nodeName} (pid ${pid}) is stopping: its calls are being ended.`
          : `Node ${config.nodeName} (pid ${pid}) is draining: new calls get 503, calls in progress may go on for up to ${config.drainSeconds} s (CALLGRID_DRAIN_SECONDS). 'callgrid drain --now' ends them at once.`,
      );
      if (!options.wait) return;
      // Past the drain limit plus the shutdown timeout the node should be gone; a node still there is reported.
      const deadline = Date.now() + (options.now ? 0 : config.drainSeconds * 1000) + (config.shutdownTimeoutSeconds + 30) * 1000;
      while (isAlive(pid)) {
        if (Date.now() > deadline) throw new PbxError('conflict', `Node ${config.nodeName} (pid ${pid}) is still running after the drain limit`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      console.log(`Node ${config.nodeName} has stopped.`);
    });
}
