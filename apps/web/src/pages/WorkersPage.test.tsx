import { render, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../api/client';
import type { Worker } from '../api/types';
import { SessionProvider } from '../context';
import { WorkersPage } from './WorkersPage';

const base: Worker = {
  id: 'w1',
  name: 'cml-1',
  endpoint: 'https://cml-1.example',
  verifyTls: true,
  enabled: true,
  reconcileMode: 'enforce',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  lastReconcile: null,
  cml: null,
};

function renderWith(workers: Worker[]) {
  const api = {
    listWorkers: vi.fn().mockResolvedValue({ items: workers, nextCursor: null }),
  } as unknown as Api;
  return render(
    <SessionProvider
      settings={{ authDisabled: true, auth: null, auditUrl: 'http://a', roleClaims: [] }}
      initialToken={null}
      api={api}
    >
      <WorkersPage />
    </SessionProvider>,
  );
}

beforeEach(() => sessionStorage.clear());

describe('WorkersPage: what the last contact with CML learned', () => {
  it('shows the version and warns that a non-admin account never removes orphans', async () => {
    const checkedAt = '2026-01-02T00:00:00Z';
    renderWith([
      { ...base, cml: { version: '2.9.0', ready: true, accountIsAdmin: true, checkedAt } },
      {
        ...base,
        id: 'w2',
        name: 'cml-2',
        endpoint: 'https://cml-2.example',
        cml: { version: '2.10.0', ready: true, accountIsAdmin: false, checkedAt },
      },
      { ...base, id: 'w3', name: 'cml-3', endpoint: 'https://cml-3.example' },
    ]);
    const row = async (name: string) => (await screen.findByRole('link', { name })).closest('tr')!;
    expect(within(await row('cml-1')).getByText('2.9.0')).toBeInTheDocument();
    expect(within(await row('cml-1')).queryByText(/orphans are not removed/)).not.toBeInTheDocument();
    expect(
      within(await row('cml-2')).getByText(/non-admin account: orphans are not removed/),
    ).toBeInTheDocument();
    expect(within(await row('cml-3')).getByText('not contacted yet')).toBeInTheDocument();
  });
});
