import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { createApi, type Api, type Fetcher } from './api/client';
import type { Role, WebSettings } from './api/types';
import { grants, rolesOf, storeToken } from './auth/session';

export interface Session {
  settings: WebSettings;
  token: string | null;
  roles: Role[];
  api: Api;
  can: (role: Role) => boolean;
  setToken: (token: string | null) => void;
  /** Why the user was sent back to the login page (the API refused the token with a 401), if so. */
  signedOutReason: string | null;
}

const SessionContext = createContext<Session | null>(null);

/**
 * The server state cache. No retry: a failure is a problem+json the page shows at once (a 403 or a 502 is no
 * less true a second later, and a 401 signs out). No refetch on window focus: a page reads when it opens, after
 * a change it made, and when the user asks (Reload), as it always did.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

export function SessionProvider(props: {
  settings: WebSettings;
  initialToken: string | null;
  children: React.ReactNode;
  api?: Api;
  /** The fetch the API client uses (tests); defaults to the browser's. */
  fetcher?: Fetcher;
}) {
  const [token, setTokenState] = useState(props.initialToken);
  const [signedOutReason, setSignedOutReason] = useState<string | null>(null);
  const [queryClient] = useState(createQueryClient);
  // What one token could read is not shown under the next one.
  const changeToken = useCallback(
    (t: string | null) => {
      storeToken(t);
      queryClient.clear();
      setTokenState(t);
    },
    [queryClient],
  );
  const setToken = useCallback(
    (t: string | null) => {
      changeToken(t);
      setSignedOutReason(null);
    },
    [changeToken],
  );
  // A 401 on a request that carried the token means the token expired or was refused: drop it and go back
  // to the login page with the API's reason, instead of leaving every page showing the same error.
  const fetcher = useMemo<Fetcher>(() => {
    const base: Fetcher = props.fetcher ?? ((input, init) => fetch(input, init));
    return async (input, init) => {
      const res = await base(input, init);
      const sentToken = !!(init?.headers as Record<string, string> | undefined)?.Authorization;
      if (res.status === 401 && sentToken) {
        let detail = '';
        try {
          const p = (await res.clone().json()) as { detail?: unknown };
          if (typeof p.detail === 'string') detail = ` (${p.detail})`;
        } catch {
          detail = '';
        }
        changeToken(null);
        setSignedOutReason(`The API refused the token${detail}. Sign in again.`);
      }
      return res;
    };
  }, [props.fetcher, changeToken]);
  const value = useMemo<Session>(() => {
    // AUTH_DISABLED: the API treats every caller as admin, so the console shows everything.
    const roles: Role[] = props.settings.authDisabled
      ? ['admin']
      : token
        ? rolesOf(token, props.settings.roleClaims ?? [])
        : [];
    return {
      settings: props.settings,
      token,
      roles,
      api: props.api ?? createApi(token, props.settings, fetcher),
      can: (role: Role) => grants(roles, role),
      setToken,
      signedOutReason,
    };
  }, [props.settings, props.api, token, setToken, fetcher, signedOutReason]);
  return (
    <QueryClientProvider client={queryClient}>
      <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider>
    </QueryClientProvider>
  );
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** Hash routes: `#/workers`, `#/workers/:id`, `#/reconciliations`, `#/audit`, `#/outbox`, `#/notifications`,
 * `#/bulk-delete`. */
export type Route =
  | { name: 'workers' }
  | { name: 'labs'; workerId: string }
  | { name: 'reconciliations' }
  | { name: 'audit'; workerId?: string; labId?: string }
  | { name: 'outbox' }
  | { name: 'notifications' }
  | { name: 'bulk-delete' };

export function parseRoute(hash: string): Route {
  const [path, search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const q = new URLSearchParams(search);
  if (parts[0] === 'workers' && parts[1]) return { name: 'labs', workerId: decodeURIComponent(parts[1]) };
  if (parts[0] === 'reconciliations') return { name: 'reconciliations' };
  if (parts[0] === 'audit')
    return { name: 'audit', workerId: q.get('workerId') ?? undefined, labId: q.get('labId') ?? undefined };
  if (parts[0] === 'outbox') return { name: 'outbox' };
  if (parts[0] === 'notifications') return { name: 'notifications' };
  if (parts[0] === 'bulk-delete') return { name: 'bulk-delete' };
  return { name: 'workers' };
}

export function useHashRoute(): Route {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const on = () => setHash(window.location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return useMemo(() => parseRoute(hash), [hash]);
}
