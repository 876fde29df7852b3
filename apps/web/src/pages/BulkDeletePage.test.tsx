import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Job, Worker } from '../api/types';
import { fakeFetch, jwt, renderWithApi, type Call } from '../test/fake-fetch';
import { BulkDeletePage } from './BulkDeletePage';

const W1 = '6f1c1b8e-2a44-4a4e-8d0b-3b9f4f1d2c01';
const W2 = '9d0e7c55-1111-4a4e-8d0b-3b9f4f1d2c02';
const JOB = '4b0c1a8e-0000-4000-8000-00000000000a';
const worker = (id: string, name: string): Worker => ({
  id,
  name,
  endpoint: `https://${name}.example`,
  verifyTls: true,
  enabled: true,
  reconcileMode: 'enforce',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  lastReconcile: null,
  cml: null,
});
const items = [
  { workerId: W1, labId: 'lab-a', title: 'CCNA 1', owner: 'alice', state: 'DEFINED_ON_CORE' as const },
  { workerId: W2, labId: 'lab-b', title: 'CCNA 2', owner: 'bob', state: 'STARTED' as const },
];

/** The API: two workers; the dry run answers `items`; the job answers `jobs` one after the other, then the last. */
function api(jobs: Job[], post?: (c: Call) => { status: number; body?: unknown } | undefined) {
  let reads = 0;
  return fakeFetch((c) => {
    if (c.url.pathname === '/api/workers')
      return { body: { items: [worker(W1, 'cml-1'), worker(W2, 'cml-2')], nextCursor: null } };
    if (c.url.pathname === '/api/labs/bulk-delete' && c.method === 'POST') {
      const custom = post?.(c);
      if (custom) return custom;
      const body = c.body as { dryRun?: boolean };
      return body.dryRun ? { body: { items, total: 2 } } : { status: 202, body: { jobId: JOB } };
    }
    if (c.url.pathname === `/api/jobs/${JOB}`) return { body: jobs[Math.min(reads++, jobs.length - 1)] };
    return undefined;
  });
}

const job = (over: Partial<Job>): Job => ({
  id: JOB,
  kind: 'bulk-delete',
  status: 'running',
  total: 2,
  done: 0,
  failed: [],
  ...over,
});

describe('BulkDeletePage', () => {
  it('needs a field before it previews', async () => {
    const { fetcher, to } = api([]);
    renderWithApi(<BulkDeletePage />, fetcher);
    const preview = screen.getByRole('button', { name: 'Preview' });
    expect(preview).toBeDisabled();
    await userEvent.type(screen.getByLabelText('Title starts with'), 'CCNA');
    expect(preview).toBeEnabled();
    expect(to('/api/labs/bulk-delete')).toEqual([]);
  });

  it('previews with a dry run of exactly the fields given, and lists the labs and the total', async () => {
    const { fetcher, to } = api([]);
    renderWithApi(<BulkDeletePage />, fetcher);
    await userEvent.click(await screen.findByRole('checkbox', { name: 'cml-2' }));
    await userEvent.type(screen.getByLabelText('Title starts with'), 'CCNA');
    await userEvent.selectOptions(screen.getByLabelText('State'), 'STARTED');
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByRole('heading', { name: 'Preview: 2 labs' })).toBeInTheDocument();
    expect(to('/api/labs/bulk-delete', 'POST').map((c) => c.body)).toEqual([
      { filter: { workerIds: [W2], titlePrefix: 'CCNA', state: 'STARTED' }, force: false, dryRun: true },
    ]);
    const row = screen.getByRole('rowheader', { name: /CCNA 2/ }).closest('tr')!;
    expect(row).toHaveTextContent('cml-2');
    expect(row).toHaveTextContent('bob');
    expect(row).toHaveTextContent('Started');
    // Nothing is deleted by a preview.
    expect(to('/api/labs/bulk-delete', 'POST')).toHaveLength(1);
  });

  it('a changed filter drops the preview, so only what was shown can be confirmed', async () => {
    const { fetcher } = api([]);
    renderWithApi(<BulkDeletePage />, fetcher);
    await userEvent.type(screen.getByLabelText('Title starts with'), 'CCNA');
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByRole('button', { name: 'Delete 2 labs' })).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Owner (user name or id)'), 'alice');
    expect(screen.queryByRole('button', { name: 'Delete 2 labs' })).not.toBeInTheDocument();
  });

  it('confirms with the previewed filter, then polls the job until it ends and lists what failed and why', async () => {
    const { fetcher, to } = api([
      job({ done: 1 }),
      job({
        status: 'failed',
        done: 2,
        failed: [
          { workerId: W2, labId: 'lab-b', status: 409, detail: 'Lab lab-b is STARTED; use force=true' },
        ],
      }),
    ]);
    renderWithApi(<BulkDeletePage />, fetcher);
    await userEvent.type(screen.getByLabelText('Title starts with'), 'CCNA');
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Delete 2 labs' }));
    expect(to('/api/labs/bulk-delete', 'POST').map((c) => c.body)[1]).toEqual({
      filter: { titlePrefix: 'CCNA' },
      force: false,
    });
    expect(await screen.findByText('1 of 2 done')).toBeInTheDocument();
    expect(await screen.findByText('2 of 2 done, 1 failed', {}, { timeout: 3000 })).toBeInTheDocument();
    const failed = screen.getByRole('table', { name: 'Labs that could not be deleted' });
    const row = within(failed).getByRole('rowheader', { name: 'lab-b' }).closest('tr')!;
    expect(row).toHaveTextContent('cml-2');
    expect(row).toHaveTextContent('409');
    expect(row).toHaveTextContent('Lab lab-b is STARTED; use force=true');
    // Polling stops once the job has ended.
    const reads = to(`/api/jobs/${JOB}`).length;
    await new Promise((r) => setTimeout(r, 1300));
    expect(to(`/api/jobs/${JOB}`)).toHaveLength(reads);
  });

  it('offers force to admins only, and sends it', async () => {
    const operator = api([]);
    const first = renderWithApi(<BulkDeletePage />, operator.fetcher, {
      token: jwt({ sub: 'op', roles: ['operator'] }),
    });
    expect(screen.queryByRole('checkbox', { name: /Force/ })).not.toBeInTheDocument();
    first.unmount();
    const admin = api([job({ status: 'succeeded', done: 2 })]);
    renderWithApi(<BulkDeletePage />, admin.fetcher, { token: jwt({ sub: 'ada', roles: ['admin'] }) });
    await userEvent.click(screen.getByRole('checkbox', { name: /Force/ }));
    await userEvent.type(screen.getByLabelText('Title starts with'), 'CCNA');
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Delete 2 labs (force)' }));
    await waitFor(() =>
      expect(
        admin.to('/api/labs/bulk-delete', 'POST').map((c) => (c.body as { force: boolean }).force),
      ).toEqual([true, true]),
    );
    expect(await screen.findByText('2 of 2 done')).toBeInTheDocument();
  });

  it('shows a refused request as its problem', async () => {
    const { fetcher } = api([], () => ({
      status: 403,
      body: {
        title: 'Forbidden',
        status: 403,
        detail: 'A forced bulk delete (force: true) needs the admin role',
      },
    }));
    renderWithApi(<BulkDeletePage />, fetcher);
    await userEvent.type(screen.getByLabelText('Title starts with'), 'CCNA');
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'A forced bulk delete (force: true) needs the admin role',
    );
  });
});
