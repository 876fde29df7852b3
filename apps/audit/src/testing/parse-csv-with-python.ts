import { spawnSync } from 'node:child_process';

/**
 * Parses CSV with Python's csv module (RFC 4180 quoting, the dialect spreadsheets write): an independent
 * reader, so that a test of our writer does not check it against itself.
 */
export function parseCsvWithPython(csv: string): string[][] {
  const result = spawnSync(
    'python3',
    [
      '-c',
      'import csv, io, json, sys; ' +
        "print(json.dumps(list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', newline=''), strict=True))))",
    ],
    { input: Buffer.from(csv, 'utf8'), maxBuffer: 512 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`python csv reader failed: ${result.stderr.toString()}`);
  return JSON.parse(result.stdout.toString('utf8')) as string[][];
}
