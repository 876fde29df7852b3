/** The options of the FerretDB query benches (bench/ferretdb-index-pushdown.ts, bench/purge-tombstones.ts). */
export interface FerretDbBenchOptions {
  /** Another FerretDB build (e.g. one without a patch, for "before"); default FERRETDB_BINARY or the installed. */
  binary: string | undefined;
  workers: number;
  labs: number;
  runs: number;
}

/** `--binary PATH --workers N --labs N --runs N`, each optional (100 workers x 1,000 labs by default). */
export function parseFerretDbBenchArgs(
  argv: string[],
  script: string,
  defaultRuns: number,
): FerretDbBenchOptions {
  const usage = `${script} [--binary PATH] [--workers N] [--labs N] [--runs N]`;
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : argv[i + 1];
  };
  const num = (name: string, fallback: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a whole number above 0\n${usage}`);
    return n;
  };
  return {
    binary: value('--binary'),
    workers: num('--workers', 100),
    labs: num('--labs', 1_000),
    runs: num('--runs', defaultRuns),
  };
}

/** The worker ids and lab ids of the seeded records. */
export const benchWorkerId = (w: number): string => `worker-${String(w).padStart(4, '0')}`;
export const benchLabId = (l: number): string => `00000000-0000-4000-8000-${String(l).padStart(12, '0')}`;
