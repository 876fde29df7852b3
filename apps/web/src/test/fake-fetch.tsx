import { render } from '@testing-library/react';
import { vi } from 'vitest';
import type { Fetcher } from '../api/client';
import type { WebSettings } from '../api/types';
import { SessionProvider } from '../context';

export interface Call {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

/** JSON `body` (problem+json for a status >= 400), or `text` sent as is with `headers` (a file). */
export type Reply =
  { status?: number; body?: unknown; text?: string; headers?: Record<string, string> } | undefined;

/**
 * A fetch for the real API client (api/client.ts): every request is recorded, with its query parameters as the
 * browser would send them, and answered by `route` (JSON, or problem+json for a status >= 400).
 */
export function fakeFetch(route: (call: Call) => Reply | Promise<Reply>) {
  const calls: Call[] = [];
  const fetcher = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const call: Call = {
      method: init?.method ?? 'GET',
      url: new URL(String(input), 'http://console.test'),
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    };
    calls.push(call);
    const reply = (await route(call)) ?? { status: 404, body: { title: 'Not Found', status: 404 } };
    const status = reply.status ?? 200;
    if (reply.text !== undefined) return new Response(reply.text, { status, headers: reply.headers });
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
    return new Response(text === '' ? null : text, {
      status,
      headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
    });
  });
  /** The recorded requests to `path` (pathname), optionally of one method. */
  const to = (path: string, method?: string) =>
    calls.filter((c) => c.url.pathname === path && (!method || c.method === method));
  return { fetcher: fetcher as unknown as Fetcher, calls, to };
}

export const AUDIT_URL = 'http://audit.test';

/** A JWT with these claims (unsigned: the console only reads it; the API is faked). */
export const jwt = (claims: object) => `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`;

/** Renders `ui` in a session whose API client is the real one over `fetcher`. */
export function renderWithApi(
  ui: React.ReactNode,
  fetcher: Fetcher,
  options: { token?: string | null; settings?: Partial<WebSettings> } = {},
) {
  const settings: WebSettings = {
    authDisabled: options.token ? false : true,
    auth: null,
    auditUrl: AUDIT_URL,
    // The tests' tokens carry top-level or realm roles: named here, as the API's own test harness does.
    roleClaims: [['roles'], ['realm_access', 'roles']],
    ...options.settings,
  };
  return render(
    <SessionProvider settings={settings} initialToken={options.token ?? null} fetcher={fetcher}>
      {ui}
    </SessionProvider>,
  );
}
