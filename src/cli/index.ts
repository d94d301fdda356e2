// The `callgrid` command.
import { Command } from 'commander';
import { adminCommands } from './commands/admin.ts';
import { backupCommands } from './commands/backup.ts';
import { drainCommand } from './commands/drain.ts';
import { startCommand } from './commands/start.ts';
import { fail } from './output.ts';

const program = new Command('callgrid')
  .description('Callgrid: a multi-tenant PBX that speaks the MiRTA PBX API')
  .configureOutput({ outputError: (text, write) => write(`callgrid: ${text.replace(/^error: /, '')}`) });

program.command('start').description('run the PBX (SIP, RTP relay and HTTP API; settings from callgrid.json and CALLGRID_* variables)').action(startCommand);
adminCommands(program);
backupCommands(program);
drainCommand(program);

program.exitOverride((error) => process.exit(error.exitCode));
program.parseAsync(process.argv).catch(fail);
