import { Command, CommanderError } from 'commander';
import { ApiClient } from './api/api-client';
import { DEFAULT_API_URL, resolveConnection } from './api/connection';
import { CliError, UsageError } from './cli-errors';
import { CliIo } from './cli-io';
import { CommandContext } from './command-context';
import { bulkDelete, BulkDeleteOptions } from './commands/bulk-delete.command';
import { labsLs, LabsLsOptions } from './commands/labs-ls.command';
import { labsRm, LabsRmOptions } from './commands/labs-rm.command';
import {
  notificationsLs,
  NotificationsLsOptions,
  notificationsRetry,
} from './commands/notifications.command';
import { outboxLs, OutboxLsOptions, outboxRetry } from './commands/outbox.command';
import { reconcile, ReconcileOptions } from './commands/reconcile.command';
import { workersLs } from './commands/workers-ls.command';
import { parseDuration } from './duration';
import { ExitCode } from './exit-codes';
import { Style, wantsColor } from './output/style';
import { terminalSafe } from './output/terminal-text';

interface GlobalOptions {
  url?: string;
  token?: string;
  tokenFile?: string;
  insecure?: boolean;
  json?: boolean;
  timeout: string;
}

const DEFAULT_POLL_INTERVAL_MS = 1000;

const EXIT_CODES_HELP = `
Environment:
  CML_LABS_URL         the API (default ${DEFAULT_API_URL}); --url wins
  CML_LABS_TOKEN       the bearer JWT (the console's token); --token / --token-file win
  CML_LABS_TOKEN_FILE  a file holding the token
  NO_COLOR             no colour even on a terminal

Exit codes:
  0  success
  1  the operation ran but something failed (a bulk job with failed labs, a failed reconciliation)
  2  usage error (also a 400 from the API: input it refused)
  3  authentication or authorization (401, 403)
  4  not found (404, or a worker/lab named that does not exist)
  5  conflict or refused (409, 422, a confirmation answered no)
  6  the API or CML unreachable or unavailable (network, timeout, 502, 503, 504)
`;

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * The operator CLI: parses `argv` (the arguments after the program's name), runs the command against the
 * HTTP API and resolves with the exit code. Nothing here touches `process`: main.ts passes it in as `io`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const errStyle = new Style(wantsColor(io.stderr, io.env));
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message or the help already.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? ExitCode.Ok
        : ExitCode.Usage;
    }
    if (error instanceof CliError) {
      io.stderr.write(`${errStyle.paint('error:', 'bad')} ${printable(error.message)}\n`);
      return error.exitCode;
    }
    io.stderr.write(
      `${errStyle.paint('error:', 'bad')} ${printable(error instanceof Error ? error.message : String(error))}\n`,
    );
    return ExitCode.Failed;
  }
}

function buildProgram(io: CliIo): Command {
  const program = new Command('cml-labs')
    .description(
      'Operate cml-labs over its HTTP API: workers, labs, reconciliation, bulk delete, the outbox, notifications',
    )
    .option('--url <url>', `the API's URL (env CML_LABS_URL; default ${DEFAULT_API_URL})`)
    .option('--token <jwt>', 'bearer token (env CML_LABS_TOKEN); visible in ps, prefer --token-file')
    .option('--token-file <path>', 'file holding the bearer token (env CML_LABS_TOKEN_FILE)')
    .option('--insecure', "do not verify the API's TLS certificate (self-signed test setups only)")
    .option('--json', "print the API's JSON (one document on stdout) instead of tables")
    .option('--timeout <duration>', 'per request, e.g. 30s, 5m', '5m')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  const context = (command: Command): CommandContext => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    const timeoutMs = parseDuration(globals.timeout);
    if (timeoutMs === null)
      throw new UsageError(
        `--timeout takes a duration such as 30s or 5m, not ${JSON.stringify(globals.timeout)}`,
      );
    const connection = resolveConnection(
      {
        url: globals.url,
        token: globals.token,
        tokenFile: globals.tokenFile,
        insecure: globals.insecure,
        timeoutMs,
      },
      io.env,
      io.readFile,
    );
    const ctx = new CommandContext(
      new ApiClient(connection),
      io,
      globals.json === true,
      pollIntervalOf(io.env),
    );
    if (connection.insecure) {
      ctx.warn(
        connection.baseUrl.startsWith('https:')
          ? '--insecure: the TLS certificate of the API is not verified; anyone on the path can read the token'
          : '--insecure has no effect on an http:// URL (and the token travels unencrypted)',
      );
    }
    return ctx;
  };

  const workers = program.command('workers').description('CML servers');
  workers
    .command('ls')
    .description('list the workers with their mode, CML contact and last reconciliation')
    .action((_options: object, command: Command) => workersLs(context(command)));

  const labs = program.command('labs').description('labs of the local inventory');
  labs
    .command('ls')
    .description('list labs (all workers unless --worker)')
    .option('--worker <id|name>', 'only this worker (repeatable)', collect, [])
    .option('--owner <owner>', 'only labs of this owner (CML user id or username, as the API filters)')
    .option('--state <state>', 'only labs in this state (DEFINED_ON_CORE, STOPPED, STARTED)')
    .option('--removed', 'removed records instead of live labs (with when and how)')
    .action((options: LabsLsOptions, command: Command) => labsLs(context(command), options));
  labs
    .command('rm')
    .description('delete a lab in CML, then its record (Phase 1)')
    .argument('<worker>', 'worker id or name')
    .argument('<lab>', 'lab id, or its exact title')
    .option('--force', 'stop and wipe a started or stopped lab first')
    .action((worker: string, lab: string, options: LabsRmOptions, command: Command) =>
      labsRm(context(command), worker, lab, options),
    );

  program
    .command('reconcile')
    .description('reconcile workers with CML now, or --preview what a reconciliation would do')
    .option(
      '--worker <id|name>',
      'only this worker, refreshed on its own (repeatable; operator role)',
      collect,
      [],
    )
    .option('--preview', 'dry run per worker: counts and removal candidates, nothing written')
    .action((options: ReconcileOptions, command: Command) => reconcile(context(command), options));

  program
    .command('bulk-delete')
    .description('delete every lab a filter matches (dry run first, then a confirmation)')
    .option('--worker <id|name>', 'only labs of this worker (repeatable)', collect, [])
    .option('--owner <owner>', 'only labs of this owner')
    .option('--title-prefix <prefix>', 'only labs whose title starts with this')
    .option('--state <state>', 'only labs in this state (DEFINED_ON_CORE, STOPPED, STARTED)')
    .option('--older-than <duration>', 'only labs created longer ago than this: 7d, 12h, 30m')
    .option('--force', 'stop and wipe started labs first (admin role)')
    .option('--dry-run', 'only list what would be deleted')
    .option('--yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .action((options: BulkDeleteOptions, command: Command) => bulkDelete(context(command), options));

  const outbox = program.command('outbox').description('CloudEvents not yet delivered (admin role)');
  outbox
    .command('ls')
    .description('list pending (default) or dead events per sink')
    .option('--dead', 'events that ran out of attempts')
    .option('--pending', 'events still being retried (the default)')
    .action((options: OutboxLsOptions, command: Command) => outboxLs(context(command), options));
  outbox
    .command('retry')
    .description('deliver an event again now')
    .argument('<eventId>', 'the event id (outbox ls)')
    .action((eventId: string, _options: object, command: Command) => outboxRetry(context(command), eventId));

  const notifications = program
    .command('notifications')
    .description('chat and e-mail notifications not yet delivered (operator role; retry: admin)');
  notifications
    .command('ls')
    .description('list pending (default) or dead notifications')
    .option('--dead', 'notifications that ran out of attempts')
    .option('--pending', 'notifications still being retried (the default)')
    .action((options: NotificationsLsOptions, command: Command) =>
      notificationsLs(context(command), options),
    );
  notifications
    .command('retry')
    .description('replay a dead notification now (admin role)')
    .argument('<id>', 'the notification id (notifications ls)')
    .action((id: string, _options: object, command: Command) => notificationsRetry(context(command), id));

  return program;
}

/** How often a long command reads its job's or run's progress; CML_LABS_POLL_INTERVAL_MS for tests. */
function pollIntervalOf(env: CliIo['env']): number {
  const value = Number(env.CML_LABS_POLL_INTERVAL_MS);
  return Number.isInteger(value) && value >= 50 ? value : DEFAULT_POLL_INTERVAL_MS;
}

/** An error message for the terminal: each line made safe, the line breaks kept. */
function printable(message: string): string {
  return message
    .split('\n')
    .map((line) => terminalSafe(line))
    .join('\n');
}
