import { LabDeleteOutcome, LabsMetrics } from '../application/ports/labs-metrics';

type ReconcileSummary = Parameters<LabsMetrics['reconcileFinished']>[0];

/** LabsMetrics that keeps what was reported, in order. */
export class RecordingLabsMetrics extends LabsMetrics {
  readonly deletes: LabDeleteOutcome[] = [];
  readonly reconciles: ReconcileSummary[] = [];

  labDeleteFinished(outcome: LabDeleteOutcome): void {
    this.deletes.push(outcome);
  }

  reconcileFinished(summary: ReconcileSummary): void {
    this.reconciles.push(structuredClone(summary));
  }
}
