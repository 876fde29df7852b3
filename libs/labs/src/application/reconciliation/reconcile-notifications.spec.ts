import { RecordingNotificationIntake } from '@app/notifications/testing/recording-notification-intake';
import { LabRecord } from '../../domain/lab-record.aggregate';
import {
  CML_404,
  cmlAnswers,
  cmlLabBody,
  cmlThroughNockOnly,
  phase2Harness,
} from '../../testing/phase2-harness';
import { plainLabSnapshot } from '../../testing/plain-lab-snapshot.fixture';
import { RefreshWorkerLabsCommand } from '../commands/refresh-worker-labs/refresh-worker-labs.command';

const W = '11111111-1111-4111-8111-111111111111';
const A = plainLabSnapshot(1).id;
const B = plainLabSnapshot(2).id;
const C = plainLabSnapshot(3).id;
const t0 = new Date('2026-02-01T00:00:00Z');

describe('a reconciliation hands its notifiable facts to the notifications intake', () => {
  cmlThroughNockOnly();

  function harness(intake: RecordingNotificationIntake) {
    const h = phase2Harness({ id: W, name: 'cml-east' }, { reconcileMaxDeleteRatio: 0.1 }, [], intake);
    h.labs.seed(LabRecord.discovered(W, plainLabSnapshot(2), t0));
    h.labs.seed(LabRecord.discovered(W, plainLabSnapshot(3), t0));
    return h;
  }

  const answersWithOrphans = () =>
    cmlAnswers({
      listed: [A],
      labs: { [A]: { status: 200, body: cmlLabBody(A) }, [B]: CML_404, [C]: CML_404 },
    });

  it('orphans held back for approval: the summary, the pending labs and the worker name', async () => {
    const intake = new RecordingNotificationIntake();
    const h = harness(intake);
    try {
      answersWithOrphans();
      const summary = await h.refresh.execute(new RefreshWorkerLabsCommand(W, {}));
      expect(summary.orphansPending).toBe(2);
      expect(intake.reconciles).toEqual([
        {
          facts: summary,
          pending: [
            { labId: B, title: 'Lab 2', owner: 'alice' },
            { labId: C, title: 'Lab 3', owner: 'alice' },
          ],
          workerName: 'cml-east',
        },
      ]);
    } finally {
      h.dispose();
    }
  });

  it('a succeeded run with nothing pending hands nothing over', async () => {
    const intake = new RecordingNotificationIntake();
    const h = phase2Harness({ id: W }, {}, [], intake);
    try {
      cmlAnswers({ listed: [A], labs: { [A]: { status: 200, body: cmlLabBody(A) } } });
      await h.refresh.execute(new RefreshWorkerLabsCommand(W, {}));
      expect(intake.reconciles).toEqual([]);
    } finally {
      h.dispose();
    }
  });

  it('notifications off: nothing is handed over (no work, no round trip)', async () => {
    const intake = new RecordingNotificationIntake(false);
    const h = harness(intake);
    try {
      answersWithOrphans();
      expect((await h.refresh.execute(new RefreshWorkerLabsCommand(W, {}))).orphansPending).toBe(2);
      expect(intake.reconciles).toEqual([]);
    } finally {
      h.dispose();
    }
  });

  it('a dry run notifies nobody', async () => {
    const intake = new RecordingNotificationIntake();
    const h = harness(intake);
    try {
      answersWithOrphans();
      expect(
        (await h.refresh.execute(new RefreshWorkerLabsCommand(W, { dryRun: true }))).orphansPending,
      ).toBe(2);
      expect(intake.reconciles).toEqual([]);
    } finally {
      h.dispose();
    }
  });
});
