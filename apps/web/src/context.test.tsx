import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from './App';
import { fakeFetch, jwt, renderWithApi } from './test/fake-fetch';

beforeEach(() => {
  sessionStorage.clear();
  window.location.hash = '#/workers';
});

describe('a 401 from the API', () => {
  it('drops the token and goes back to the login page with the reason', async () => {
    let expired = false;
    const { fetcher } = fakeFetch((c) => {
      if (expired)
        return {
          status: 401,
          body: { title: 'Unauthorized', status: 401, detail: 'The bearer token is not valid: jwt expired' },
        };
      if (c.url.pathname === '/api/workers') return { body: { items: [], nextCursor: null } };
      if (c.url.pathname === '/api/reconciliations') return { body: { items: [] } };
      return undefined;
    });
    const token = jwt({ sub: 'eve', roles: ['admin'] });
    sessionStorage.setItem('cml-labs.token', token);
    renderWithApi(<App />, fetcher, { token });
    expect(await screen.findByText('No workers yet.')).toBeInTheDocument();
    expired = true;
    await userEvent.click(screen.getByRole('link', { name: 'Reconciliations' }));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    expect(await screen.findByRole('heading', { name: 'Sign in to cml-labs' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'The API refused the token (The bearer token is not valid: jwt expired). Sign in again.',
    );
    expect(sessionStorage.getItem('cml-labs.token')).toBeNull();
  });

  it('is not confused with signing out, which shows no message', async () => {
    const { fetcher } = fakeFetch(() => ({ body: { items: [], nextCursor: null } }));
    renderWithApi(<App />, fetcher, { token: jwt({ roles: ['viewer'] }) });
    await screen.findByText('No workers yet.');
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to cml-labs' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
