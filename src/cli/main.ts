#!/usr/bin/env node
/**
 * The `scalio` command. `npm start` runs `scalio overview`.
 *
 * Exit codes: 0 done; 1 a check found a violation; 2 bad input (the message says what and
 * what is allowed); 3 a check could not decide in its time limit; 70 the run failed (a bug:
 * the message carries a stack trace to report).
 */
import { ScalioError } from '../errors.js';
import { SYSTEMS } from '../systems/registry.js';
import { calibrate } from './commands/calibrate.js';
import { check } from './commands/check.js';
import { compare } from './commands/compare.js';
import { figures } from './commands/figures.js';
import { overview } from './commands/overview.js';
import { run } from './commands/run.js';

export const EXIT_BAD_INPUT = 2;
export const EXIT_FAILED = 70;

const GENERAL_HELP = `Usage: scalio <command> [options]

Commands:
  overview   Scalio on YCSB C and A, on the live engine and the simulator (default; npm start)
  run        one system on one YCSB workload (a built-in or a workload file)
  compare    several systems side by side on the same workload
  check      run a workload, record its history, check it is linearizable
  calibrate  the paper's published anchors against the simulator's hardware profile
  figures    regenerate the paper's evaluation figures (CSV, JSON, SVG, PNG, report)
  help       show this help

Systems: ${SYSTEMS.map((system) => system.name).join(', ')}

Run \`scalio <command> --help\` for a command's options.
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number | void>> = {
  overview,
  run,
  compare,
  check,
  calibrate,
  figures,
  // `scalio help` or `scalio help COMMAND` (the command's --help).
  help: async (argv) => {
    const [topic, ...more] = argv;
    if (topic === undefined || (more.length === 0 && (topic === '--help' || topic === '-h'))) {
      process.stdout.write(GENERAL_HELP);
      return;
    }
    const command = Object.hasOwn(COMMANDS, topic) ? COMMANDS[topic] : undefined;
    if (command === undefined || topic === 'help' || more.length > 0) {
      throw new ScalioError(`unexpected argument${more.length > 0 ? 's' : ''} "${argv.join(' ')}": scalio help takes a command's name (${Object.keys(COMMANDS).filter((name) => name !== 'help').join(', ')})`);
    }
    return command(['--help']);
  },
};

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const commandName = first === undefined || first.startsWith('-') ? 'overview' : first;
  const command = Object.hasOwn(COMMANDS, commandName) ? COMMANDS[commandName] : undefined;
  try {
    if (command === undefined) throw new ScalioError(`unknown command "${commandName}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    return (await command(commandName === first ? rest : argv)) ?? 0;
  } catch (error) {
    if (error instanceof ScalioError) {
      process.stderr.write(`scalio: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`scalio: the run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILED;
  }
}

// A reader that stops early (`scalio check | head`) closes the pipe: stop quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
