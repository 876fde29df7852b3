import type { components } from './schema.gen';
import type {
  AuditEventFilters,
  AuditEventPage,
  AuditExportFormat,
  BulkDeletePreview,
  BulkDeleteRequest,
  Job,
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

/** `url` with the query's non-empty values. */
function withQuery(url: string, values: RequestOptions['query']): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values ?? {})) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  return query.size > 0 ? `${url}?${query}` : url;
}

function networkError(error: unknown): ApiError {
  return new ApiError({
    title: 'Network error',
    status: 0,
    detail: `The server could not be reached (${error instanceof Error ? error.message : String(error)}).`,
  });
}

/** The problem a failed response carries (problem+json), or one made of its status. */
function problemOf(res: Response, text: string): ApiError {
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const p = (body ?? {}) as Partial<Problem>;
  return new ApiError({
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

export async function requestJson<T>(
  url: string,
  options: RequestOptions & { token?: string | null; fetcher?: Fetcher } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let res: Response;
  try {
    res = await (options.fetcher ?? fetch)(withQuery(url, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    throw networkError(error);
  }
  const text = await res.text();
  if (!res.ok) throw problemOf(res, text);
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return body as T;
}

/** A file the server sent as an attachment, and the name it gave it. */
export interface DownloadedFile {
  blob: Blob;
  fileName: string;
}

/** The `filename` of a Content-Disposition header (quoted or not), without any path; null when there is none. */
export function fileNameOf(contentDisposition: string | null): string | null {
  const match = /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(contentDisposition ?? '');
  const name = (match?.[1] ?? match?.[2] ?? '').split(/[\\/]/).pop() ?? '';
  return name === '' ? null : name;
}

/**
 * GETs a file with the bearer token: a plain link cannot send an Authorization header, so the file is fetched
 * and handed over as a Blob (the browser keeps it, in memory or on disk, until it is saved).
 */
export async function requestFile(
  url: string,
  options: {
    query?: RequestOptions['query'];
    accept: string;
    fallbackName: string;
    token?: string | null;
    fetcher?: Fetcher;
  },
): Promise<DownloadedFile> {
  const headers: Record<string, string> = { Accept: `${options.accept}, application/problem+json` };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let res: Response;
  try {
    res = await (options.fetcher ?? fetch)(withQuery(url, options.query), { method: 'GET', headers });
  } catch (error) {
    throw networkError(error);
  }
  if (!res.ok) throw problemOf(res, await res.text());
  let blob: Blob;
  try {
    blob = await res.blob();
  } catch (error) {
    // The server cut the stream off (a database error midway): no half file is offered.
    throw new ApiError({
      title: 'Download failed',
      status: 0,
      detail: `The file did not arrive whole (${error instanceof Error ? error.message : String(error)}).`,
    });
  }
  return { blob, fileName: fileNameOf(res.headers.get('Content-Disposition')) ?? options.fallbackName };
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
    listNotifications: (status: 'pending' | 'dead') =>
      call<Schemas['NotificationItemList']>('/api/notifications', { query: { status } }),
    retryNotification: (id: string) =>
      call<void>(`/api/notifications/${encodeURIComponent(id)}/retry`, { method: 'POST' }),
    previewBulkDelete: (body: Omit<BulkDeleteRequest, 'dryRun'>) =>
      call<BulkDeletePreview>('/api/labs/bulk-delete', { method: 'POST', body: { ...body, dryRun: true } }),
    startBulkDelete: (body: Omit<BulkDeleteRequest, 'dryRun'>) =>
      call<Schemas['BulkDeleteStarted']>('/api/labs/bulk-delete', { method: 'POST', body }),
    getJob: (jobId: string) => call<Job>(`/api/jobs/${encodeURIComponent(jobId)}`),
    /**
     * apps/audit, at its own origin (WEB_AUDIT_URL): it verifies the same JWT as the API and needs the viewer
     * role, so the token goes there too (and apps/audit must list the console's origin in AUDIT_CORS_ORIGINS).
     */
    listAuditEvents: (q: AuditEventFilters & { cursor?: string | null; limit?: number }) =>
      call<AuditEventPage>(`${settings.auditUrl}/api/audit-events`, { query: q }),
    /** Every event matching the filters, as one file (apps/audit streams it; CORS exposes its name). */
    downloadAuditEvents: (q: AuditEventFilters, format: AuditExportFormat) =>
      requestFile(`${settings.auditUrl}/api/audit-events/export`, {
        query: { ...q, format },
        accept: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
        fallbackName: `audit-events.${format}`,
        token,
        fetcher,
      }),
  };
}

export type Api = ReturnType<typeof createApi>;

export async function loadSettings(fetcher: Fetcher = fetch): Promise<WebSettings> {
  return requestJson<WebSettings>('/web-config.json', { fetcher });
}
