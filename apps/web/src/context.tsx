import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
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
  const setToken = useCallback((t: string | null) => {
    storeToken(t);
    setTokenState(t);
    setSignedOutReason(null);
  }, []);
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
        storeToken(null);
        setTokenState(null);
        setSignedOutReason(`The API refused the token${detail}. Sign in again.`);
      }
      return res;
    };
  }, [props.fetcher]);
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
  return <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** Hash routes: `#/workers`, `#/workers/:id`, `#/reconciliations`, `#/audit`, `#/outbox`. */
export type Route =
  | { name: 'workers' }
  | { name: 'labs'; workerId: string }
  | { name: 'reconciliations' }
  | { name: 'audit'; workerId?: string; labId?: string }
  | { name: 'outbox' };

export function parseRoute(hash: string): Route {
  const [path, search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const q = new URLSearchParams(search);
  if (parts[0] === 'workers' && parts[1]) return { name: 'labs', workerId: decodeURIComponent(parts[1]) };
  if (parts[0] === 'reconciliations') return { name: 'reconciliations' };
  if (parts[0] === 'audit')
    return { name: 'audit', workerId: q.get('workerId') ?? undefined, labId: q.get('labId') ?? undefined };
  if (parts[0] === 'outbox') return { name: 'outbox' };
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

/** Runs an async loader, keeps its data, error and busy state; `reload` runs it again. */
export function useLoader<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(true);
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setBusy(true);
    try {
      const d = await load();
      if (mine === seq.current) {
        setData(d);
        setError(null);
      }
    } catch (e) {
      if (mine === seq.current) setError(e);
    } finally {
      if (mine === seq.current) setBusy(false);
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, setData, error, busy, reload };
}
