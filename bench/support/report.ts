import type { DbCounts } from './db-monitor';

/** What one side (ours or the baseline) cost in one scenario. */
export interface Figures {
  wallMs: number;
  cmlRequests: number;
  cmlByRoute: Record<string, number>;
  db: DbCounts;
  peakRssMiB: number;
  startRssMiB: number;
  peakHeapMiB: number;
  /** CPU seconds of FerretDB, of the simulator and of this process while the side ran (null: not measured). */
  ferretCpuS: number | null;
  simCpuS: number | null;
  benchCpuS: number;
  ferretPeakRssMiB: number | null;
  /** TCP connections this process opened (to CML: the simulator and its /_sim API, and to the database). */
  connectionsOpened: number;
  /** 1-minute load average when the side ended. */
  load: number;
  /** Heap in use after a full collection in the middle of the run (ours only; see syncAll). */
  liveHeapMiB?: number | null;
  /** Seconds one worker's reconciliation took: mean and longest (ours: from the summaries; baseline: wall / sample). */
  workerSeconds?: { mean: number; max: number };
}

/** The least a reconciliation of these workers can cost, figure by figure (see the header for the formulas). */
export interface Floors {
  wallMs: number;
  /** One worker's: the list, then ceil(L / c) rounds of details. */
  workerMs: number;
  cmlRequests: number;
  dbRoundTripsPerWorker: number;
  labReadsPerWorker: number;
  labDocsReadPerWorker: number;
  labWriteCommandsPerWorker: number;
  labDocsWritten: number;
}

/** One line of the table: a figure of ours and of the baseline, each beside its floor. */
export interface Row {
  scenario: string;
  metric: string;
  ours: number | null;
  oursFloor?: number | null;
  baseline: number | null;
  baselineFloor?: number | null;
  /** Where a figure is not a number: a failure, or what the figure is made of. */
  note?: string;
}

function fmt(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(Math.abs(n) >= 10 ? 1 : 2);
}

/** a / b as "1.2x"; "—" when it cannot be divided; over a floor of 0, what is above it ("+40"). */
export function times(a: number | null | undefined, b: number | null | undefined): string {
  if (a === null || a === undefined || b === null || b === undefined || Number.isNaN(a) || Number.isNaN(b))
    return '—';
  if (b === 0) return a === 0 ? '1.0x' : `+${fmt(a)}`;
  return `${(a / b).toFixed(a / b >= 10 ? 0 : a / b >= 1 ? 2 : 3)}x`;
}

export function markdownTable(rows: Row[]): string {
  const lines = [
    '| scenario | metric | ours | floor | ours/floor | baseline | floor | baseline/floor | baseline/ours | note |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.scenario} | ${r.metric} | ${fmt(r.ours)} | ${fmt(r.oursFloor)} | ${times(r.ours, r.oursFloor)} | ` +
        `${fmt(r.baseline)} | ${fmt(r.baselineFloor)} | ${times(r.baseline, r.baselineFloor)} | ` +
        `${r.ours === 0 && r.baseline ? '∞ (ours 0)' : times(r.baseline, r.ours)} | ${r.note ?? ''} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The rows of a reconciliation scenario. Per-worker figures divide by the workers reconciled (for a sampled
 * baseline, its scaled totals by all workers, which is the same as dividing the sample's by the sample).
 */
export function figureRows(
  scenario: string,
  workers: number,
  ours: Figures | null,
  oursFloors: Floors,
  baseline: Figures | null,
  baselineFloors: Floors | null,
): Row[] {
  const per = (n: number): number => n / workers;
  const metrics: [string, (f: Figures) => number, (f: Floors) => number | null, ((f: Figures) => string)?][] =
    [
      ['wall time (s)', (f) => f.wallMs / 1000, (f) => f.wallMs / 1000],
      [
        'one worker, mean (s)',
        (f) => f.workerSeconds?.mean ?? NaN,
        (f) => f.workerMs / 1000,
        (f) => (f.workerSeconds ? `longest ${fmt(f.workerSeconds.max)} s` : ''),
      ],
      ['TCP connections opened', (f) => f.connectionsOpened, () => null],
      ['CML requests', (f) => f.cmlRequests, (f) => f.cmlRequests, (f) => routes(f.cmlByRoute)],
      [
        'DB round trips per worker (all collections)',
        (f) => per(f.db.commands),
        (f) => f.dbRoundTripsPerWorker,
        (f) => perWorkerCommands(f.db.byCommand, workers),
      ],
      [
        'reads of lab records per worker (commands)',
        (f) => per(f.db.labReadCommands),
        (f) => f.labReadsPerWorker,
      ],
      [
        'lab records read per worker (documents)',
        (f) => per(f.db.labDocsRead),
        (f) => f.labDocsReadPerWorker,
      ],
      ['documents read per worker (all collections)', (f) => per(f.db.docsRead), () => null],
      [
        'write commands to lab records per worker',
        (f) => per(f.db.labWriteCommands),
        (f) => f.labWriteCommandsPerWorker,
      ],
      ['lab records written (documents)', (f) => f.db.labDocsWritten, (f) => f.labDocsWritten],
      [
        'documents written to other collections',
        (f) => f.db.docsWritten - f.db.labDocsWritten,
        () => 0,
        (f) => others(f.db.writtenByCollection, f.db.labCollection),
      ],
      ['peak RSS (MiB)', (f) => f.peakRssMiB, () => null, (f) => `at start ${Math.round(f.startRssMiB)} MiB`],
      ['peak heap used (MiB, garbage included)', (f) => f.peakHeapMiB, () => null],
      [
        'live heap mid-run (MiB): after a full GC at 1/4, 1/2, 3/4 of the workers, the largest',
        (f) => f.liveHeapMiB ?? NaN,
        () => null,
      ],
      [
        'FerretDB CPU (s)',
        (f) => f.ferretCpuS ?? 0,
        () => null,
        (f) =>
          `simulator ${fmt(f.simCpuS)} s, bench process ${fmt(f.benchCpuS)} s CPU; FerretDB peak RSS ${fmt(f.ferretPeakRssMiB)} MiB; load ${f.load.toFixed(2)}`,
      ],
    ];
  return metrics.map(([metric, get, floor, note]) => ({
    scenario,
    metric,
    ours: ours ? get(ours) : null,
    oursFloor: floor(oursFloors),
    baseline: baseline ? get(baseline) : null,
    baselineFloor: baselineFloors ? floor(baselineFloors) : null,
    note: [ours && note ? note(ours) : '', baseline && note ? note(baseline) : '']
      .map((n, i) => (n ? `${i === 0 ? 'ours' : 'baseline'}: ${n}` : ''))
      .filter(Boolean)
      .join('<br>'),
  }));
}

function routes(byRoute: Record<string, number>): string {
  return Object.entries(byRoute)
    .map(([r, n]) => `${r} ${fmt(n)}`)
    .join(', ');
}

function perWorkerCommands(byCommand: Record<string, number>, workers: number): string {
  return Object.entries(byCommand)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${fmt(n / workers)}`)
    .join(', ');
}

function others(written: Record<string, number>, labCollection: string): string {
  return Object.entries(written)
    .filter(([c]) => c !== labCollection)
    .map(([c, n]) => `${c} ${fmt(n)}`)
    .join(', ');
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}
