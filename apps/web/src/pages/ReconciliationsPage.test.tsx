import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ReconcileSummary, ReconciliationRun } from '../api/types';
import { fakeFetch, jwt, renderWithApi, type Reply } from '../test/fake-fetch';
import { ReconciliationsPage } from './ReconciliationsPage';

const summary = (workerId: string, over: Partial<ReconcileSummary> = {}): ReconcileSummary => ({
  reconciliationId: 'r1',
  workerId,
  trigger: 'manual',
  status: 'succeeded',
  mode: 'enforce',
  created: 2,
  updated: 1,
  unchanged: 5,
  orphansRemoved: 0,
  orphansPending: 0,
  restored: 0,
  candidates: [],
  startedAt: '2026-01-01T10:00:00Z',
  finishedAt: '2026-01-01T10:00:01Z',
  durationMs: 812,
  ...over,
});

const finished: ReconciliationRun = {
  id: 'r1',
  trigger: 'manual',
  status: 'succeeded',
  workersTotal: 2,
  workersDone: 2,
  startedAt: '2026-01-01T10:00:00Z',
  finishedAt: '2026-01-01T10:00:02Z',
  workers: [summary('w1'), summary('w2', { status: 'skipped', reason: 'worker disabled' })],
};
const running: ReconciliationRun = {
  id: 'r2',
  trigger: 'scheduled',
  status: 'running',
  workersTotal: 3,
  workersDone: 0,
  startedAt: '2026-01-01T11:00:00Z',
  finishedAt: null,
  workers: [],
};

function setup(runs: () => Reply, token?: string, run: () => Reply = () => ({ status: 404, body: {} })) {
  const fake = fakeFetch((c) => {
    if (c.url.pathname === '/api/workers')
      return {
        body: {
          items: [
            { id: 'w1', name: 'cml-1' },
            { id: 'w2', name: 'cml-2' },
          ],
          nextCursor: null,
        },
      };
    if (c.url.pathname === '/api/reconciliations' && c.method === 'GET') return runs();
    if (c.url.pathname === '/api/reconciliations/r3') return run();
    if (c.url.pathname === '/api/reconciliations' && c.method === 'POST')
      return { status: 202, body: { reconciliationId: 'r3' } };
    return undefined;
  });
  renderWithApi(<ReconciliationsPage />, fake.fetcher, { token });
  return fake;
}

describe('ReconciliationsPage', () => {
  it('lists every run with its trigger, progress and a summary per worker', async () => {
    setup(() => ({ body: { items: [running, finished] } }));
    const items = await screen.findAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent(/scheduled · 0 workers · running \(0\/3\) · 0 not succeeded/);
    expect(items[1]).toHaveTextContent(/manual · 2 workers · finished .* · 1 not succeeded/);
    await userEvent.click(items[1].querySelector('summary')!);
    expect(items[1].querySelector('details')).toHaveAttribute('open');
    const w1 = await within(items[1]).findByRole('region', { name: 'cml-1' });
    expect(within(w1).getByText('Created').nextSibling).toHaveTextContent('2');
    expect(within(w1).getByText('Unchanged').nextSibling).toHaveTextContent('5');
    const w2 = within(items[1]).getByRole('region', { name: 'cml-2' });
    expect(w2).toHaveTextContent('Skipped: worker disabled');
  });

  it('says when no reconciliation has run', async () => {
    setup(() => ({ body: { items: [] } }));
    expect(await screen.findByText('No reconciliation has run yet.')).toBeInTheDocument();
  });

  it('shows the problem+json of a failed load', async () => {
    setup(() => ({
      status: 503,
      body: { title: 'Service Unavailable', status: 503, detail: 'database unreachable' },
    }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Service Unavailable (HTTP 503)');
    expect(alert).toHaveTextContent('database unreachable');
    expect(screen.queryByText('No reconciliation has run yet.')).not.toBeInTheDocument();
  });

  it('starts a reconciliation of all workers (POST) and reloads the history', async () => {
    let list: ReconciliationRun[] = [];
    const { to } = setup(() => ({ body: { items: list } }));
    await screen.findByText('No reconciliation has run yet.');
    list = [running];
    await userEvent.click(screen.getByRole('button', { name: 'Reconcile all workers now' }));
    expect(to('/api/reconciliations', 'POST')).toHaveLength(1);
    expect(await screen.findByText(/Reconciliation r3 started/)).toBeInTheDocument();
    expect(await screen.findByText(/scheduled · 0 workers · running/)).toBeInTheDocument();
    expect(to('/api/reconciliations', 'GET')).toHaveLength(2);
  });

  it('polls the run it started and shows its progress until it ends', async () => {
    const reads: ReconciliationRun[] = [
      { ...running, id: 'r3', workersTotal: 2, workersDone: 0 },
      { ...running, id: 'r3', workersTotal: 2, workersDone: 1 },
      { ...finished, id: 'r3', workersTotal: 2, workersDone: 2 },
    ];
    let n = 0;
    const { to } = setup(
      () => ({ body: { items: [] } }),
      undefined,
      () => ({ body: reads[Math.min(n++, reads.length - 1)] }),
    );
    await screen.findByText('No reconciliation has run yet.');
    await userEvent.click(screen.getByRole('button', { name: 'Reconcile all workers now' }));
    expect(await screen.findByText(/Running: 0 of 2 workers done/)).toBeInTheDocument();
    expect(
      await screen.findByText(/Running: 1 of 2 workers done/, {}, { timeout: 3000 }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/Ended \(succeeded\): 2 of 2 workers done/, {}, { timeout: 3000 }),
    ).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Workers reconciled' })).toHaveAttribute('value', '2');
    // It stops reading once the run has ended.
    const polled = to('/api/reconciliations/r3', 'GET').length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(to('/api/reconciliations/r3', 'GET')).toHaveLength(polled);
  });

  it('offers the reconcile button to an admin only', async () => {
    setup(() => ({ body: { items: [finished] } }), jwt({ roles: ['operator'] }));
    await screen.findAllByRole('listitem');
    expect(screen.queryByRole('button', { name: 'Reconcile all workers now' })).not.toBeInTheDocument();
  });
});
