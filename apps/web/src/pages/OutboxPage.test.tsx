import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { OutboxItem } from '../api/types';
import { fakeFetch, jwt, renderWithApi, type Call } from '../test/fake-fetch';
import { OutboxPage } from './OutboxPage';

const EVENT = '0d9c1a3e-6f0b-4c55-9d35-1b7cbbf1a001';
const item = (over: Partial<OutboxItem> = {}): OutboxItem => ({
  eventId: EVENT,
  type: 'lab.deleted',
  workerId: 'w1',
  labId: 'lab-1',
  sink: 'http://sink.example/',
  status: 'pending',
  attempts: 3,
  nextAttemptAt: '2026-01-01T00:00:00Z',
  lastError: 'sink answered HTTP 500',
  ...over,
});

/** GET /api/outbox answers `lists[status]`; POST retry answers 202 and moves the event out of the dead list. */
function api(
  lists: { pending: OutboxItem[]; dead: OutboxItem[] },
  retry?: (c: Call) => { status: number; body?: unknown },
) {
  return fakeFetch((c) => {
    if (c.url.pathname === '/api/outbox' && c.method === 'GET')
      return { body: { items: lists[c.url.searchParams.get('status') as 'pending' | 'dead'] } };
    if (c.url.pathname === `/api/outbox/${EVENT}/retry` && c.method === 'POST') {
      if (retry) return retry(c);
      lists.dead = [];
      return { status: 202 };
    }
    return undefined;
  });
}

describe('OutboxPage', () => {
  it('lists the pending events (status=pending) with type, sink, attempts and last error', async () => {
    const { fetcher, to } = api({ pending: [item()], dead: [] });
    renderWithApi(<OutboxPage />, fetcher);
    const row = (await screen.findByRole('rowheader', { name: new RegExp(EVENT) })).closest('tr')!;
    expect(row).toHaveTextContent('Lab deleted');
    expect(row).toHaveTextContent('http://sink.example/');
    expect(within(row).getByText('3')).toHaveClass('num');
    expect(row).toHaveTextContent('sink answered HTTP 500');
    expect(to('/api/outbox', 'GET').map((c) => c.url.search)).toEqual(['?status=pending']);
  });

  it('asks for the dead events when Dead is chosen, and says when there are none', async () => {
    const { fetcher, to } = api({ pending: [], dead: [] });
    renderWithApi(<OutboxPage />, fetcher);
    expect(await screen.findByText('Nothing pending: every event was delivered.')).toBeInTheDocument();
    expect(to('/api/outbox')[0].url.search).toBe('?status=pending');
    await userEvent.click(screen.getByRole('radio', { name: 'Dead' }));
    expect(await screen.findByText('Nothing dead: every event was delivered.')).toBeInTheDocument();
    expect(to('/api/outbox').map((c) => c.url.searchParams.get('status'))).toEqual(['pending', 'dead']);
  });

  it('retries a dead event with POST /api/outbox/:id/retry and reloads the list', async () => {
    const { fetcher, to } = api({ pending: [], dead: [item({ status: 'dead', attempts: 8 })] });
    renderWithApi(<OutboxPage />, fetcher, { token: jwt({ sub: 'ada', roles: ['admin'] }) });
    await userEvent.click(screen.getByRole('radio', { name: 'Dead' }));
    await userEvent.click(await screen.findByRole('button', { name: `Retry ${EVENT}` }));
    const retries = to(`/api/outbox/${EVENT}/retry`, 'POST');
    expect(retries).toHaveLength(1);
    expect(retries[0].headers.Authorization).toMatch(/^Bearer /);
    expect(await screen.findByText(`Event ${EVENT} queued for redelivery.`)).toBeInTheDocument();
    expect(await screen.findByText('Nothing dead: every event was delivered.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: `Retry ${EVENT}` })).not.toBeInTheDocument();
    expect(to('/api/outbox').filter((c) => c.url.searchParams.get('status') === 'dead')).toHaveLength(2);
  });

  it('shows a refused retry as its problem and keeps the event listed', async () => {
    const { fetcher } = api({ pending: [], dead: [item({ status: 'dead' })] }, () => ({
      status: 404,
      body: { title: 'Not Found', status: 404, detail: `Event ${EVENT} not found in the outbox` },
    }));
    renderWithApi(<OutboxPage />, fetcher);
    await userEvent.click(screen.getByRole('radio', { name: 'Dead' }));
    await userEvent.click(await screen.findByRole('button', { name: `Retry ${EVENT}` }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Not Found (HTTP 404)');
    expect(alert).toHaveTextContent(`Event ${EVENT} not found in the outbox`);
    expect(screen.getByRole('button', { name: `Retry ${EVENT}` })).toBeInTheDocument();
    expect(screen.queryByText(/queued for redelivery/)).not.toBeInTheDocument();
  });

  it('shows the problem+json of a failed list', async () => {
    const { fetcher } = fakeFetch(() => ({
      status: 403,
      body: {
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
        detail: 'This action needs the admin role',
      },
    }));
    renderWithApi(<OutboxPage />, fetcher, { token: jwt({ roles: ['operator'] }) });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Forbidden (HTTP 403)');
    expect(alert).toHaveTextContent('This action needs the admin role');
  });

  it('offers Retry to an admin only', async () => {
    const { fetcher } = api({ pending: [item()], dead: [] });
    renderWithApi(<OutboxPage />, fetcher, { token: jwt({ realm_access: { roles: ['operator'] } }) });
    await screen.findByRole('rowheader', { name: new RegExp(EVENT) });
    await waitFor(() => expect(screen.getByRole('table')).toHaveAttribute('aria-busy', 'false'));
    expect(screen.queryByRole('button', { name: /^Retry/ })).not.toBeInTheDocument();
  });
});
