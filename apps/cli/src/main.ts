import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from './cli';

/** `cml-labs ...` (bin/cml-labs.js): the CLI on this process's arguments, streams and environment. */
async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY === true,
    async ask(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    readFile: (path) => readFileSync(path, 'utf8'),
    now: () => new Date(),
    sleep: (ms) => sleep(ms),
  });
  // exitCode, not exit(): stdout may still be flushing into a pipe.
  process.exitCode = code;
}

void main();
