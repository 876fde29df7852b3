import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, type Api } from '../api/client';
import type { Lab } from '../api/types';
import { SessionProvider } from '../context';
import { LabsPage } from './LabsPage';

const lab = (n: number, state: Lab['state'] = 'STOPPED'): Lab => ({
  workerId: 'w1',
  labId: `lab-${n}`,
  title: `Lab ${n}`,
  description: '',
  notes: '',
  state,
  owner: 'u1',
  ownerUsername: 'alice',
  ownerFullname: 'Alice',
  nodeCount: n,
  linkCount: 0,
  groups: [],
  cmlCreatedAt: '2026-01-01T00:00:00Z',
  cmlModifiedAt: '2026-01-01T00:00:00Z',
  firstSeenAt: '2026-01-01T00:00:00Z',
  lastSyncedAt: '2026-01-01T00:00:00Z',
});

const removedLab = {
  ...lab(9),
  title: 'Lab 9',
  removedAt: '2026-01-02T00:00:00Z',
  removal: 'orphan_removed',
};

function setup() {
  const api = {
    previewRefresh: vi.fn().mockResolvedValue({
      reconciliationId: 'r0',
      workerId: 'w1',
      trigger: 'manual',
      status: 'succeeded',
      mode: 'dry-run',
      reason: 'dry run: nothing was written',
      created: 0,
      updated: 0,
      unchanged: 2,
      orphansRemoved: 1,
      orphansPending: 0,
      restored: 0,
      candidates: [
        {
          labId: 'lab-2',
          title: 'Lab 2',
          owner: 'alice',
          decision: 'remove',
          why: 'CML answered its own 404',
        },
      ],
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:01Z',
      durationMs: 1000,
    }),
    listRemovedLabs: vi.fn().mockResolvedValue({ items: [removedLab], nextCursor: null }),
    restoreLab: vi
      .fn()
      .mockRejectedValueOnce(
        new ApiError({
          title: 'Conflict',
          status: 409,
          detail: 'CML does not have lab lab-9 (it answered 404)',
        }),
      )
      .mockResolvedValueOnce(lab(9)),
    getWorker: vi.fn().mockResolvedValue({ id: 'w1', name: 'cml-1', enabled: true }),
    listOrphans: vi.fn().mockResolvedValue({ items: [] }),
    listLabs: vi.fn(async (_w: string, q: { cursor?: string | null }) =>
      q.cursor === 'c2'
        ? { items: [lab(3, 'STARTED')], nextCursor: null }
        : { items: [lab(1), lab(2)], nextCursor: 'c2' },
    ),
    refresh: vi
      .fn()
      .mockRejectedValue(
        new ApiError({ title: 'Bad Gateway', status: 502, detail: 'CML list untrusted: system not ready' }),
      ),
  };
  render(
    <SessionProvider
      settings={{ authDisabled: true, auth: null, auditUrl: 'http://a', roleClaims: [] }}
      initialToken={null}
      api={api as unknown as Api}
    >
      <LabsPage workerId="w1" />
    </SessionProvider>,
  );
  return api;
}

describe('LabsPage', () => {
  it('pages through the labs with the server cursors', async () => {
    const api = setup();
    expect(await screen.findByRole('rowheader', { name: /Lab 1/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Previous page' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByRole('rowheader', { name: /Lab 3/ })).toBeInTheDocument();
    expect(api.listLabs).toHaveBeenLastCalledWith('w1', expect.objectContaining({ cursor: 'c2', limit: 25 }));
    expect(screen.getByText('Page 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByRole('rowheader', { name: /Lab 2/ })).toBeInTheDocument();
  });

  it('filters by state on the server and by title on the loaded page', async () => {
    const api = setup();
    await screen.findByRole('rowheader', { name: /Lab 1/ });
    await userEvent.type(screen.getByLabelText('Search title (this page)'), 'Lab 2');
    expect(screen.queryByRole('rowheader', { name: /Lab 1/ })).not.toBeInTheDocument();
    expect(screen.getByRole('rowheader', { name: /Lab 2/ })).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText('State'), 'STARTED');
    await waitFor(() =>
      expect(api.listLabs).toHaveBeenLastCalledWith(
        'w1',
        expect.objectContaining({ state: 'STARTED', cursor: null }),
      ),
    );
  });

  it('shows a failed refresh as its problem and says nothing was removed', async () => {
    setup();
    await screen.findByRole('rowheader', { name: /Lab 1/ });
    await userEvent.click(screen.getByRole('button', { name: 'Refresh now' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Bad Gateway (HTTP 502)');
    expect(alert).toHaveTextContent('CML list untrusted: system not ready');
    expect(alert).toHaveTextContent('Nothing was removed');
  });

  it('previews a refresh: the dry run’s candidates with decision and why, nothing else called', async () => {
    const api = setup();
    await screen.findByRole('rowheader', { name: /Lab 1/ });
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const preview = await screen.findByRole('region', { name: 'Preview' });
    expect(within(preview).getByRole('table', { name: /Removal candidates/ })).toHaveTextContent(
      /Lab 2.*alice.*Remove.*CML answered its own 404/,
    );
    expect(screen.getByText(/Nothing was written/)).toBeInTheDocument();
    expect(api.previewRefresh).toHaveBeenCalledWith('w1');
    expect(api.refresh).not.toHaveBeenCalled();
  });

  it('lists the removed records when opened, and restores one (a 409 shown as its problem)', async () => {
    const api = setup();
    await screen.findByRole('rowheader', { name: /Lab 1/ });
    expect(api.listRemovedLabs).not.toHaveBeenCalled();
    await userEvent.click(screen.getByText('Removed', { selector: 'h2' }));
    const row = (await screen.findByRole('rowheader', { name: /Lab 9/ })).closest('tr')!;
    expect(row).toHaveTextContent('orphan removed');
    await userEvent.click(within(row).getByRole('button', { name: 'Restore Lab 9' }));
    expect(await screen.findByText(/CML does not have lab lab-9/)).toBeInTheDocument();
    await userEvent.click(within(row).getByRole('button', { name: 'Restore Lab 9' }));
    expect(await screen.findByText('Restored Lab 9.')).toBeInTheDocument();
    expect(api.restoreLab).toHaveBeenLastCalledWith('w1', 'lab-9');
  });
});
