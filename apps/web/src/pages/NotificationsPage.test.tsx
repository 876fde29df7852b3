import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { NotificationItem } from '../api/types';
import { fakeFetch, jwt, renderWithApi, type Call } from '../test/fake-fetch';
import { NotificationsPage } from './NotificationsPage';

const ID = '0123456789abcdef0123456789abcdef';
const item = (over: Partial<NotificationItem> = {}): NotificationItem => ({
  id: ID,
  route: 'lab-deleted-by-other',
  provider: 'email',
  recipient: 'person:carol@example.com',
  workerId: 'w1',
  labId: 'lab-1',
  status: 'pending',
  attempts: 2,
  replays: 0,
  nextAttemptAt: '2026-01-01T00:00:00Z',
  lastError: 'SMTP answered 451',
  createdAt: '2026-01-01T00:00:00Z',
  ...over,
});

const admin = { token: jwt({ sub: 'ada', roles: ['admin'] }) };
const operator = { token: jwt({ sub: 'otto', roles: ['operator'] }) };

/** GET /api/notifications answers `lists[status]`; POST retry answers 202 and empties the dead list. */
function api(
  lists: { pending: NotificationItem[]; dead: NotificationItem[] },
  retry?: (c: Call) => { status: number; body?: unknown },
) {
  return fakeFetch((c) => {
    if (c.url.pathname === '/api/notifications' && c.method === 'GET')
      return { body: { items: lists[c.url.searchParams.get('status') as 'pending' | 'dead'] } };
    if (c.url.pathname === `/api/notifications/${ID}/retry` && c.method === 'POST') {
      if (retry) return retry(c);
      lists.dead = [];
      return { status: 202 };
    }
    return undefined;
  });
}

describe('NotificationsPage', () => {
  it('lists the pending ones (status=pending): route, provider, recipient, attempts, last error', async () => {
    const { fetcher, to } = api({ pending: [item()], dead: [] });
    renderWithApi(<NotificationsPage />, fetcher, admin);
    const row = (await screen.findByRole('rowheader', { name: new RegExp(ID) })).closest('tr')!;
    expect(row).toHaveTextContent('lab-deleted-by-other');
    expect(row).toHaveTextContent('email');
    expect(row).toHaveTextContent('person:carol@example.com');
    expect(row).toHaveTextContent('pending');
    expect(within(row).getByText('2')).toHaveClass('num');
    expect(row).toHaveTextContent('SMTP answered 451');
    // A pending one is not offered for replay, not even to an admin.
    expect(within(row).queryByRole('button')).not.toBeInTheDocument();
    expect(to('/api/notifications', 'GET').map((c) => c.url.search)).toEqual(['?status=pending']);
  });

  it('asks for the dead ones when Dead is chosen, and says when there are none', async () => {
    const { fetcher, to } = api({ pending: [], dead: [] });
    renderWithApi(<NotificationsPage />, fetcher, operator);
    expect(await screen.findByText('Nothing pending: every notification was delivered.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('radio', { name: 'Dead' }));
    expect(await screen.findByText('Nothing dead: every notification was delivered.')).toBeInTheDocument();
    expect(to('/api/notifications').map((c) => c.url.searchParams.get('status'))).toEqual([
      'pending',
      'dead',
    ]);
  });

  it('replays a dead one with POST /api/notifications/:id/retry and reloads the list', async () => {
    const { fetcher, to } = api({
      pending: [],
      dead: [item({ status: 'dead', provider: 'slack', recipient: 'channel', attempts: 5 })],
    });
    renderWithApi(<NotificationsPage />, fetcher, admin);
    await userEvent.click(screen.getByRole('radio', { name: 'Dead' }));
    const row = (await screen.findByRole('rowheader', { name: new RegExp(ID) })).closest('tr')!;
    expect(row).toHaveTextContent('channel');
    expect(row).toHaveTextContent('dead');
    await userEvent.click(within(row).getByRole('button', { name: `Replay ${ID}` }));
    const retries = to(`/api/notifications/${ID}/retry`, 'POST');
    expect(retries).toHaveLength(1);
    expect(retries[0].headers.Authorization).toMatch(/^Bearer /);
    expect(await screen.findByText(`Notification ${ID} queued for delivery again.`)).toBeInTheDocument();
    expect(await screen.findByText('Nothing dead: every notification was delivered.')).toBeInTheDocument();
    expect(to('/api/notifications').filter((c) => c.url.searchParams.get('status') === 'dead')).toHaveLength(
      2,
    );
  });

  it('shows a refused replay as its problem and keeps the notification listed', async () => {
    const { fetcher } = api({ pending: [], dead: [item({ status: 'dead' })] }, () => ({
      status: 409,
      body: { title: 'Conflict', status: 409, detail: `Notification ${ID} is not dead` },
    }));
    renderWithApi(<NotificationsPage />, fetcher, admin);
    await userEvent.click(screen.getByRole('radio', { name: 'Dead' }));
    await userEvent.click(await screen.findByRole('button', { name: `Replay ${ID}` }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Conflict (HTTP 409)');
    expect(alert).toHaveTextContent(`Notification ${ID} is not dead`);
    expect(screen.getByRole('button', { name: `Replay ${ID}` })).toBeInTheDocument();
    expect(screen.queryByText(/queued for delivery again/)).not.toBeInTheDocument();
  });

  it('shows the problem+json of a failed list (a viewer)', async () => {
    const { fetcher } = fakeFetch(() => ({
      status: 403,
      body: {
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
        detail: 'This action needs the operator role',
      },
    }));
    renderWithApi(<NotificationsPage />, fetcher, { token: jwt({ roles: ['viewer'] }) });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Forbidden (HTTP 403)');
    expect(alert).toHaveTextContent('This action needs the operator role');
  });

  it('offers Replay to an admin only', async () => {
    const { fetcher } = api({ pending: [], dead: [item({ status: 'dead' })] });
    renderWithApi(<NotificationsPage />, fetcher, operator);
    await userEvent.click(screen.getByRole('radio', { name: 'Dead' }));
    await screen.findByRole('rowheader', { name: new RegExp(ID) });
    await waitFor(() => expect(screen.getByRole('table')).toHaveAttribute('aria-busy', 'false'));
    expect(screen.queryByRole('button', { name: /^Replay/ })).not.toBeInTheDocument();
  });
});
