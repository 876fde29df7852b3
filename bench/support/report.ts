export interface Figures {
  wallMs: number;
  cmlRequests: number;
  cmlByRoute: Record<string, number>;
  dbCommands: number;
  labWriteCommands: number;
  labDocsWritten: number;
  docsWritten: number;
  peakRssMiB: number;
  peakHeapMiB: number;
}

export interface Row {
  scenario: string;
  metric: string;
  ours: number;
  baseline: number | null;
}

/** baseline / ours: how many times more the seed algorithm costs; "—" when it cannot be divided. */
export function ratio(ours: number, baseline: number | null): string {
  if (baseline === null) return '—';
  if (ours === 0) return baseline === 0 ? '1.0' : '∞ (ours 0)';
  return `${(baseline / ours).toFixed(1)}x`;
}

function fmt(n: number | null): string {
  if (n === null) return '—';
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export function markdownTable(rows: Row[]): string {
  const lines = [
    '| scenario | metric | ours | baseline | ratio (baseline/ours) |',
    '|---|---|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.scenario} | ${r.metric} | ${fmt(r.ours)} | ${fmt(r.baseline)} | ${ratio(r.ours, r.baseline)} |`,
    );
  }
  return lines.join('\n');
}

export function figureRows(scenario: string, ours: Figures, baseline: Figures | null): Row[] {
  const metrics: [string, (f: Figures) => number][] = [
    ['wall time (ms)', (f) => f.wallMs],
    ['CML requests', (f) => f.cmlRequests],
    ['DB commands (all collections)', (f) => f.dbCommands],
    ['write commands to the lab collection', (f) => f.labWriteCommands],
    ['documents written (lab collection)', (f) => f.labDocsWritten],
    ['documents written (all collections)', (f) => f.docsWritten],
    ['peak RSS (MiB)', (f) => f.peakRssMiB],
    ['peak heap used (MiB)', (f) => f.peakHeapMiB],
  ];
  return metrics.map(([metric, get]) => ({
    scenario,
    metric,
    ours: get(ours),
    baseline: baseline ? get(baseline) : null,
  }));
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}
