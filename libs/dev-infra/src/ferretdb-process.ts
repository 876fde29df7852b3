/**
 * Embedded FerretDB (SQLite backend) for the tests and `npm run dev`: a patched v1.24.2 binary built by
 * scripts/install-ferretdb.sh into .tools/ferretdb/bin (see /work/shared/ferretdb.md for why it is patched).
 *
 * Only node and the `mongodb` driver here: this runs in jest's global setup, outside any Nest module.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';

export interface EmbeddedFerretDb {
  /** `mongodb://127.0.0.1:<port>/`, without a database name: callers append one. */
  readonly uri: string;
  readonly port: number;
  readonly dataDir: string;
  /** SIGTERM, then SIGKILL if it has not exited after 5 s. Idempotent. */
  stop(): Promise<void>;
}

export interface StartEmbeddedFerretDbOptions {
  /** Holds the SQLite files (one per database) and FerretDB's state.json. Created if missing. */
  dataDir: string;
  /** Loopback port; a free one is picked when omitted. */
  port?: number;
  repoRoot?: string;
  /** FerretDB --log-level: 'debug' | 'info' | 'warn' | 'error' (default). */
  logLevel?: string;
  /** Another FerretDB binary than the installed one (e.g. one built without a patch, to compare). */
  binary?: string;
  /** More FerretDB flags, e.g. `--test-disable-pushdown` (the handler then filters every document itself). */
  extraArgs?: readonly string[];
  /** Also append FerretDB's output to this file (with logLevel 'debug' it logs every SQL statement). */
  logFile?: string;
}

const REPO_PACKAGE_NAME = 'cml-labs';
const READY_TIMEOUT_MS = 20_000;
const READY_RETRY_MS = 100;
const STOP_KILL_AFTER_MS = 5_000;
/** How much of the child's output is kept for error messages. */
const OUTPUT_TAIL_CHARS = 16_000;
/** Written into the data dir: the pid of the FerretDB serving it. */
const PID_FILE = 'ferretdb.pid';

/** The folder holding the package.json named `cml-labs`, searched upwards from `from`. */
export function findRepoRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (name === REPO_PACKAGE_NAME) return dir;
      } catch {
        // not JSON we can read: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`Cannot find the ${REPO_PACKAGE_NAME} repository root above ${from}`);
    }
    dir = parent;
  }
}

/**
 * .tools/ferretdb/bin/ferretdb, or FERRETDB_BINARY when set (a candidate build to try without replacing the
 * installed one, which other runs on this machine may be using).
 */
export function ferretDbBinaryPath(repoRoot: string = findRepoRoot()): string {
  const override = process.env.FERRETDB_BINARY;
  if (override) return path.resolve(override);
  return path.join(repoRoot, '.tools', 'ferretdb', 'bin', 'ferretdb');
}

/**
 * Runs scripts/install-ferretdb.sh (output shown): it exits at once (~0.1 s) when the binary was built from the
 * current patch set, and builds it when it is missing or a patch changed. With FERRETDB_BINARY set, only checks
 * that it exists.
 */
export function ensureFerretDbInstalled(repoRoot: string = findRepoRoot()): void {
  if (process.env.FERRETDB_BINARY) {
    if (existsSync(ferretDbBinaryPath(repoRoot))) return;
    throw new Error(`FERRETDB_BINARY=${process.env.FERRETDB_BINARY} does not exist`);
  }
  const script = path.join(repoRoot, 'scripts', 'install-ferretdb.sh');
  const result = spawnSync('bash', [script], { cwd: repoRoot, stdio: 'inherit' });
  if (result.error) throw new Error(`Cannot run ${script}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(
      `${script} failed (${result.signal ? `signal ${result.signal}` : `exit code ${result.status}`}); ` +
        'see its output above, or set MONGODB_URI to an existing MongoDB',
    );
  }
}

export async function startEmbeddedFerretDb(opts: StartEmbeddedFerretDbOptions): Promise<EmbeddedFerretDb> {
  const repoRoot = opts.repoRoot ?? findRepoRoot();
  const binary = opts.binary ?? ferretDbBinaryPath(repoRoot);
  if (!existsSync(binary)) {
    throw new Error(`FerretDB is not installed at ${binary}: run \`npm run ferretdb:install\``);
  }
  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });

  // A port picked by us can be taken by someone else before FerretDB binds it: then pick another one.
  const attempts = opts.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await pickFreePort());
    try {
      return await startOnce(
        binary,
        dataDir,
        port,
        opts.logLevel ?? 'error',
        opts.extraArgs ?? [],
        opts.logFile,
      );
    } catch (err) {
      if (
        attempt >= attempts ||
        !(err instanceof FerretDbExitedError) ||
        !/address already in use/i.test(err.output)
      ) {
        throw err;
      }
    }
  }
}

class FerretDbExitedError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'FerretDbExitedError';
  }
}

/**
 * Go's garbage collector target for the embedded FerretDB, unless GOGC is set. Its live heap is small (tens of
 * MiB) and it allocates heavily while it decodes documents, so at Go's default (100) it collects all the time:
 * a loop of `{workerId}` reads of 1,000 records (of 20,000) cost FerretDB 29 CPU ticks a read at 100 and 19 at
 * 400, 35 % less, for a peak RSS of 83 MiB instead of 47 (README, "FerretDB").
 */
export const FERRETDB_GOGC = '400';

async function startOnce(
  binary: string,
  dataDir: string,
  port: number,
  logLevel: string,
  extraArgs: readonly string[],
  logFile: string | undefined,
): Promise<EmbeddedFerretDb> {
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dataDir}/`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-',
    `--state-dir=${dataDir}`,
    '--telemetry=disable',
    `--log-level=${logLevel}`,
    ...extraArgs,
  ];
  const child = spawn(binary, args, {
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GOGC: process.env.GOGC ?? FERRETDB_GOGC },
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    if (logFile) appendFileSync(logFile, chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let stopping = false;
  let exitInfo: string | undefined;
  const exited = new Promise<void>((resolve) => {
    // 'close' rather than 'exit': it comes after the last stdout/stderr data, which the error messages need.
    child.once('close', (code, signal) => {
      exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
      untrack(child);
      resolve();
    });
  });
  child.once('error', (err) => {
    // spawn failure (ENOENT, EACCES): 'exit' may never come
    exitInfo = `spawn error: ${err.message}`;
    untrack(child);
  });
  track(child);
  if (child.pid !== undefined) {
    // Lets a later run kill this FerretDB if our process dies without cleaning up (SIGKILL): see killOrphanedFerretDb.
    writeFileSync(path.join(dataDir, PID_FILE), `${child.pid}\n`);
  }
  // Neither the child nor its pipes keep this process alive: the 'exit' handler kills the child.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as net.Socket | null)?.unref?.();

  const uri = `mongodb://127.0.0.1:${port}/`;
  try {
    await waitUntilReady(port, uri, () => exitInfo, exited);
  } catch (err) {
    if (exitInfo === undefined) {
      child.kill('SIGKILL');
      await exited;
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new FerretDbExitedError(
      `FerretDB (${binary} ${args.join(' ')}) did not start: ${reason}` +
        (output.trim() ? `\n--- FerretDB output ---\n${output.trim()}` : ''),
      output,
    );
  }

  void exited.then(() => {
    if (!stopping) {
      console.error(
        `FerretDB on port ${port} exited unexpectedly (${exitInfo})` +
          (output.trim() ? `:\n${output.trim().slice(-4_000)}` : ''),
      );
    }
  });

  let stopped: Promise<void> | undefined;
  return {
    uri,
    port,
    dataDir,
    stop(): Promise<void> {
      stopped ??= (async () => {
        stopping = true;
        if (exitInfo !== undefined) return;
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const killLater = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, STOP_KILL_AFTER_MS);
        });
        await Promise.race([exited, killLater]);
        clearTimeout(timer);
        await exited;
      })();
      return stopped;
    },
  };
}

/**
 * Polls the port every 100 ms (a refused TCP connect is instant, a MongoClient server selection is not), then
 * sends `ping` with the driver; both retried until READY_TIMEOUT_MS.
 */
async function waitUntilReady(
  port: number,
  uri: string,
  exitInfo: () => string | undefined,
  exited: Promise<void>,
): Promise<void> {
  // Something else may own the port (FerretDB then exits at once): stop waiting for an answer as soon as it exits.
  const exitedEarly = exited.then(() => {
    throw new Error(`it exited early (${exitInfo()})`);
  });
  exitedEarly.catch(() => undefined);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  for (;;) {
    const exitedWith = exitInfo();
    if (exitedWith !== undefined) throw new Error(`it exited early (${exitedWith})`);
    if (await acceptsTcp(port)) {
      const client = new MongoClient(uri, {
        directConnection: true,
        serverSelectionTimeoutMS: Math.max(500, Math.min(5_000, deadline - Date.now())),
        maxPoolSize: 1,
      });
      try {
        await Promise.race([
          client.connect().then(() => client.db('admin').command({ ping: 1 })),
          exitedEarly,
        ]);
        return;
      } catch (err) {
        lastError = err;
      } finally {
        await client.close().catch(() => undefined);
      }
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? lastError.message : String(lastError ?? 'port not open');
      throw new Error(`no answer to ping within ${READY_TIMEOUT_MS / 1000} s (last error: ${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, READY_RETRY_MS));
  }
}

function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

/**
 * A parent killed with SIGKILL cannot stop its FerretDB. Given that run's data dir, kills the FerretDB still
 * serving it (checked through /proc: the pid must be a ferretdb whose command line names this data dir).
 * Returns true when one was killed.
 */
export function killOrphanedFerretDb(dataDir: string): boolean {
  const dir = path.resolve(dataDir);
  let pid: number;
  let args: string[];
  try {
    pid = Number(readFileSync(path.join(dir, PID_FILE), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1) return false;
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return false;
  }
  if (path.basename(args[0] ?? '') !== 'ferretdb' || !args.includes(`--state-dir=${dir}`)) return false;
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

// --- Children are killed when this process goes away -------------------------------------------------------

const children = new Set<ChildProcess>();
const EXIT_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function track(child: ChildProcess): void {
  children.add(child);
  if (children.size === 1) {
    process.on('exit', killAllOnExit);
    for (const signal of EXIT_SIGNALS) process.on(signal, onExitSignal);
  }
}

function untrack(child: ChildProcess): void {
  if (!children.delete(child) || children.size > 0) return;
  process.removeListener('exit', killAllOnExit);
  for (const signal of EXIT_SIGNALS) process.removeListener(signal, onExitSignal);
}

/** 'exit' handlers must be synchronous: no time to wait for a graceful stop, and SQLite commits are durable. */
function killAllOnExit(): void {
  for (const child of children) child.kill('SIGKILL');
}

/**
 * Listening to a signal turns off node's default "terminate" action, so unless someone else listens to it too
 * (e.g. Nest's shutdown hooks, which exit on their own), exit the way the signal would have: 128 + signal
 * number (130 for Ctrl-C). Either way the 'exit' handler then kills the children.
 */
function onExitSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  process.exit(128 + (osConstants.signals[signal] ?? 1));
}
