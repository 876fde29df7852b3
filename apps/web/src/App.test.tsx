import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from './api/client';
import type { Worker, WebSettings } from './api/types';
import { App } from './App';
import { SessionProvider } from './context';

const worker: Worker = {
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

function fakeApi(): Api {
  return { listWorkers: vi.fn().mockResolvedValue({ items: [worker], nextCursor: null }) } as unknown as Api;
}

const jwt = (claims: object) => `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`;

function renderApp(settings: WebSettings, token: string | null = null) {
  return render(
    <SessionProvider settings={settings} initialToken={token} api={fakeApi()}>
      <App />
    </SessionProvider>,
  );
}

beforeEach(() => {
  sessionStorage.clear();
  window.location.hash = '#/workers';
});

describe('App and auth', () => {
  it('shows the AUTH_DISABLED banner and every admin action', async () => {
    renderApp({ authDisabled: true, auth: null, auditUrl: 'http://a', roleClaims: [] });
    expect(screen.getByText('Authentication is disabled (AUTH_DISABLED=true).')).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'cml-1' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add worker' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Outbox' })).toBeInTheDocument();
  });

  it('asks for a token when auth is on, then hides what a viewer may not do', async () => {
    renderApp({ authDisabled: false, auth: null, auditUrl: 'http://a', roleClaims: [['roles']] });
    expect(screen.getByRole('heading', { name: 'Sign in to cml-labs' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Log in with SSO' })).not.toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Bearer token (JWT)'), jwt({ roles: ['viewer'] }));
    await userEvent.click(screen.getByRole('button', { name: 'Use this token' }));
    expect(await screen.findByRole('link', { name: 'cml-1' })).toBeInTheDocument();
    expect(sessionStorage.getItem('cml-labs.token')).toBe(jwt({ roles: ['viewer'] }));
    expect(screen.queryByText(/AUTH_DISABLED/)).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add worker' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Refresh/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Outbox' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Notifications' })).not.toBeInTheDocument();
  });

  it('offers single sign-on when an OIDC client is configured, and refuses a non-JWT', async () => {
    renderApp({
      authDisabled: false,
      auth: { issuer: 'https://idp', clientId: 'c' },
      auditUrl: 'http://a',
      roleClaims: [],
    });
    expect(screen.getByRole('button', { name: 'Log in with SSO' })).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Bearer token (JWT)'), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Use this token' }));
    expect(screen.getByRole('alert')).toHaveTextContent('does not look like a JWT');
  });

  it('shows operator actions to an operator', async () => {
    renderApp(
      { authDisabled: false, auth: null, auditUrl: 'http://a', roleClaims: [['realm_access', 'roles']] },
      jwt({ realm_access: { roles: ['operator'] } }),
    );
    expect(await screen.findByRole('button', { name: 'Refresh cml-1 now' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit cml-1' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Notifications' })).toHaveAttribute('href', '#/notifications');
    expect(screen.queryByRole('link', { name: 'Outbox' })).not.toBeInTheDocument();
  });

  it("reads roles where the API reads them: Keycloak's client roles, not a top-level roles claim", async () => {
    const settings = {
      authDisabled: false,
      auth: null,
      auditUrl: 'http://a',
      roleClaims: [['resource_access', 'cml-labs', 'roles']],
    };
    const { unmount } = renderApp(settings, jwt({ roles: ['admin'], realm_access: { roles: ['admin'] } }));
    expect(await screen.findByRole('link', { name: 'cml-1' })).toBeInTheDocument();
    expect(screen.getByText('no role')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Refresh cml-1 now' })).not.toBeInTheDocument();
    unmount();
    renderApp(settings, jwt({ resource_access: { 'cml-labs': { roles: ['operator'] } } }));
    expect(await screen.findByRole('button', { name: 'Refresh cml-1 now' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit cml-1' })).not.toBeInTheDocument();
  });
});
