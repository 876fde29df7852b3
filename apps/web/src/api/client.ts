import type { components } from './schema.gen';
import type {
  AuditEvent,
  DeleteResult,
  Lab,
  LabPage,
  LabState,
  NewWorker,
  ReconcileSummary,
  WebSettings,
  Worker,
  WorkerPage,
  WorkerPatch,
} from './types';

type Schemas = components['schemas'];

/** RFC 9457 problem details, as every /api error carries them. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: { field: string; message: string }[];
  /** A failed lab delete: the CML call that failed. */
  step?: string;
  /** A failed lab delete: what it had already changed in CML (e.g. "stopped"). */
  cmlChanges?: string[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'ApiError';
  }
  get status(): number {
    return this.problem.status;
  }
}

/** Any thrown value as a problem: ApiError keeps its own, anything else becomes a network/client problem. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ApiError) return error.problem;
  const message = error instanceof Error ? error.message : String(error);
  return { title: 'Request failed', status: 0, detail: message };
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
}

export type Fetcher = typeof fetch;

export async function requestJson<T>(
  url: string,
  options: RequestOptions & { token?: string | null; fetcher?: Fetcher } = {},
): Promise<T> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const target = query.size > 0 ? `${url}?${query}` : url;
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let res: Response;
  try {
    res = await (options.fetcher ?? fetch)(target, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    throw new ApiError({
      title: 'Network error',
      status: 0,
      detail: `The server could not be reached (${error instanceof Error ? error.message : String(error)}).`,
    });
  }
  const text = await res.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!res.ok) {
    const p = (body ?? {}) as Partial<Problem>;
    throw new ApiError({
      type: p.type,
      title: typeof p.title === 'string' ? p.title : res.statusText || `HTTP ${res.status}`,
      status: typeof p.status === 'number' ? p.status : res.status,
      detail: typeof p.detail === 'string' ? p.detail : undefined,
      instance: p.instance,
      errors: Array.isArray(p.errors) ? p.errors : undefined,
      step: typeof p.step === 'string' ? p.step : undefined,
      cmlChanges: Array.isArray(p.cmlChanges)
        ? p.cmlChanges.filter((c): c is string => typeof c === 'string')
        : undefined,
    });
  }
  return body as T;
}

/** The contract's routes (../shared/contract/http-api.md), nothing else. */
export function createApi(token: string | null, settings: Pick<WebSettings, 'auditUrl'>, fetcher?: Fetcher) {
  const call = <T>(url: string, options: RequestOptions = {}) =>
    requestJson<T>(url, { ...options, token, fetcher });
  const w = (id: string) => `/api/workers/${encodeURIComponent(id)}`;
  return {
    listWorkers: (cursor?: string | null, limit = 50) =>
      call<WorkerPage>('/api/workers', { query: { limit, cursor } }),
    getWorker: (id: string) => call<Worker>(w(id)),
    createWorker: (body: NewWorker) => call<Worker>('/api/workers', { method: 'POST', body }),
    updateWorker: (id: string, body: WorkerPatch) => call<Worker>(w(id), { method: 'PATCH', body }),
    listLabs: (
      workerId: string,
      q: { state?: LabState | ''; owner?: string; limit?: number; cursor?: string | null },
    ) => call<LabPage>(`${w(workerId)}/labs`, { query: q }),
    deleteLab: (workerId: string, labId: string, force: boolean) =>
      call<DeleteResult>(`${w(workerId)}/labs/${encodeURIComponent(labId)}`, {
        method: 'DELETE',
        query: { force: force ? 'true' : undefined },
      }),
    refresh: (workerId: string) => call<ReconcileSummary>(`${w(workerId)}/labs/refresh`, { method: 'POST' }),
    /** The dry run: what a refresh would do, nothing written or emitted. */
    previewRefresh: (workerId: string) =>
      call<ReconcileSummary>(`${w(workerId)}/labs/refresh`, { method: 'POST', query: { dryRun: 'true' } }),
    listRemovedLabs: (workerId: string) =>
      call<LabPage>(`${w(workerId)}/labs`, { query: { removed: 'true', limit: 500 } }),
    restoreLab: (workerId: string, labId: string) =>
      call<Lab>(`${w(workerId)}/labs/${encodeURIComponent(labId)}/restore`, { method: 'POST' }),
    listOrphans: (workerId: string) => call<Schemas['PendingOrphanList']>(`${w(workerId)}/orphans`),
    approveOrphans: (workerId: string, labIds?: string[]) =>
      call<ReconcileSummary>(`${w(workerId)}/orphans/approve`, {
        method: 'POST',
        body: labIds ? { labIds } : {},
      }),
    startReconciliation: () =>
      call<Schemas['ReconciliationStarted']>('/api/reconciliations', { method: 'POST' }),
    listReconciliations: () => call<Schemas['ReconciliationRunList']>('/api/reconciliations'),
    getReconciliation: (id: string) =>
      call<Schemas['ReconciliationRun']>(`/api/reconciliations/${encodeURIComponent(id)}`),
    listOutbox: (status: 'pending' | 'dead') =>
      call<Schemas['OutboxItemList']>('/api/outbox', { query: { status } }),
    retryOutbox: (eventId: string) =>
      call<void>(`/api/outbox/${encodeURIComponent(eventId)}/retry`, { method: 'POST' }),
    /**
     * apps/audit, at its own origin (WEB_AUDIT_URL): it verifies the same JWT as the API and needs the viewer
     * role, so the token goes there too (and apps/audit must list the console's origin in AUDIT_CORS_ORIGINS).
     */
    listAuditEvents: (q: {
      workerId?: string;
      labId?: string;
      type?: string;
      since?: string;
      limit?: number;
    }) => call<{ items: AuditEvent[] }>(`${settings.auditUrl}/api/audit-events`, { query: q }),
  };
}

export type Api = ReturnType<typeof createApi>;

export async function loadSettings(fetcher: Fetcher = fetch): Promise<WebSettings> {
  return requestJson<WebSettings>('/web-config.json', { fetcher });
}
