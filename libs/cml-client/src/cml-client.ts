import { SpanKind } from '@opentelemetry/api';
import type * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ZodType } from 'zod';
import { recordFailure, tracer } from '@app/telemetry';
import type { CmlAccount } from './cml-account.interface';
import type { CmlAddressPolicy } from './cml-address-policy';
import { convergePollDelayMs } from './cml-converge-backoff';
import { createCmlHttpAgent, dropIdleSockets } from './cml-http-agent.factory';
import {
  CmlHttpTransport,
  CmlTransportFailure,
  type CmlHttpRequest,
  type CmlHttpResponse,
} from './cml-http-transport';
import type { CmlConnectionSettings } from './cml-connection-settings.interface';
import { parseCmlEndpoint } from './cml-endpoint.parser';
import type { CmlLab } from './cml-lab.interface';
import { encodeCmlLabId } from './cml-lab-id.encoder';
import type { CmlLabIdList } from './cml-lab-id-list.interface';
import type { CmlLabTiles } from './cml-lab-tiles.interface';
import { normalizeCmlLabId } from './cml-lab-id.normalizer';
import type { CmlRequestContext } from './cml-request-context.interface';
import { CmlRequestObserver } from './cml-request-observer';
import type { CmlRequestOutcome } from './cml-request-outcome.type';
import type { CmlRoute } from './cml-route.type';
import { scrubSecrets } from './cml-secret-scrubber';
import { mapCmlStatusError } from './cml-status-error.mapper';
import type { CmlSystemInformation } from './cml-system-information.interface';
import { CmlTokenCache } from './cml-token-cache';
import { mapCmlTransportError } from './cml-transport-error.mapper';
import { CmlBadResponseError } from './errors/cml-bad-response.error';
import { CmlError } from './errors/cml.error';
import { CmlInvalidSettingsError } from './errors/cml-invalid-settings.error';
import { CmlTimeoutError } from './errors/cml-timeout.error';
import { CmlUnauthorizedError } from './errors/cml-unauthorized.error';
import { NoopCmlRequestObserver } from './noop-cml-request-observer';
import { cmlAuthExtendedSchema } from './responses/cml-auth-extended.schema';
import { parseCmlErrorBody } from './responses/cml-error-body.parser';
import { parseCmlJsonBody } from './responses/cml-json-body.parser';
import { cmlLabIdListSchema } from './responses/cml-lab-id-list.schema';
import { cmlLabSchema } from './responses/cml-lab.schema';
import { cmlLabTilesSchema } from './responses/cml-lab-tiles.schema';
import { cmlConvergedSchema, cmlLabStateSchema } from './responses/cml-lab-state.schema';
import { cmlSystemInformationSchema } from './responses/cml-system-information.schema';
import { cmlTokenSchema } from './responses/cml-token.schema';

/**
 * The largest answer each route may send; more is a bad response, so a broken or hostile
 * controller cannot make us buffer (and parse, and store) whatever it streams. One lab's details
 * are a few KiB (its text fields are capped at about 40 KiB in all); a list of 100,000 ids is about
 * 4 MiB; the tiles of 1,000 labs with their topologies a few MiB; logins, states and system
 * information are a few hundred bytes.
 */
const MAX_RESPONSE_BYTES: Partial<Record<CmlRoute, number>> = {
  'labs.get': 1024 * 1024,
  'labs.list': 16 * 1024 * 1024,
  'labs.tiles': 64 * 1024 * 1024,
};
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * PUTs that may be sent twice: a second stop or wipe of a lab already stopping or wiping changes
 * nothing (CML treats them idempotently). A second start is not known to be harmless.
 */
const REPEATABLE_PUT_ROUTES: ReadonlySet<CmlRoute> = new Set(['labs.stop', 'labs.wipe']);

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface CmlRequestSpec<T> {
  route: CmlRoute;
  method: HttpMethod;
  path: string;
  params?: Record<string, string>;
  data?: unknown;
  /** Turns a 2xx body into the result; throws {@link CmlBadResponseError} on garbage. */
  read: (body: unknown, ctx: CmlRequestContext, status: number) => T;
}

/**
 * HTTP client for the REST API (`/api/v0`) of one Cisco Modeling Labs 2.x controller.
 *
 * - Logs in lazily, caches the token, shares one login between concurrent calls, and on a 401
 *   logs in again once and retries once.
 * - Every request has a hard deadline (`timeoutMs`) and is reported once to the
 *   {@link CmlRequestObserver}.
 * - Failures are thrown as {@link CmlError} subclasses whose messages are safe to show to users.
 *
 * Obtain instances from `CmlClientFactory`, which caches one per worker.
 */
export class CmlClient {
  /** Worker this client talks to. */
  readonly workerId: string;
  readonly #username: string;
  readonly #password: string;
  readonly #timeoutMs: number;
  readonly #http: CmlHttpTransport;
  readonly #agent: http.Agent;
  readonly #observer: CmlRequestObserver;
  readonly #tokens: CmlTokenCache;
  /** Who we are logged in as; set by every login. */
  #account: CmlAccount | undefined;
  /** False once the controller showed it has no `/auth_extended` (older CML): log in the old way. */
  #authExtended = true;
  #inFlight = 0;
  #disposed = false;

  /**
   * @param addressPolicy refuses connections to blocked addresses (SSRF guard). `CmlClientFactory`
   *   always passes one; without it the client connects anywhere, which only tests and tools want.
   * @throws CmlInvalidSettingsError when the endpoint or timeout cannot work.
   */
  constructor(
    settings: CmlConnectionSettings,
    observer: CmlRequestObserver = new NoopCmlRequestObserver(),
    addressPolicy?: CmlAddressPolicy,
  ) {
    this.workerId = settings.workerId;
    if (!Number.isFinite(settings.timeoutMs) || settings.timeoutMs <= 0) {
      throw new CmlInvalidSettingsError(settings.workerId, 'timeoutMs', 'must be a positive number');
    }
    const location = parseCmlEndpoint(settings.workerId, settings.endpoint);
    this.#username = settings.username;
    this.#password = settings.password;
    this.#timeoutMs = settings.timeoutMs;
    this.#observer = observer;
    this.#agent = createCmlHttpAgent(location.protocol, settings, addressPolicy);
    // No env proxy (it would bypass the per-worker TLS settings of our agent) and no redirect (it would
    // replay the bearer token to wherever it points; CML never redirects): the transport does neither.
    this.#http = new CmlHttpTransport(location.baseUrl, this.#agent, settings.timeoutMs);
    this.#tokens = new CmlTokenCache(() => this.#authenticate());
  }

  // Public methods are async so that argument errors (a bad lab id) surface as rejections, like
  // every other failure, instead of synchronous throws.

  /** `GET /system_information` (no login needed): controller version and readiness. */
  async systemInformation(): Promise<CmlSystemInformation> {
    return this.#send(
      {
        route: 'system_information',
        method: 'GET',
        path: '/system_information',
        read: (body, ctx, status) => this.#validate(ctx, status, body, cmlSystemInformationSchema),
      },
      undefined,
    );
  }

  /**
   * `GET /labs`: ids of the labs on the controller, as lowercase UUIDs; entries that are no lab id
   * are refused and reported in `refused`.
   *
   * @param opts.showAll list labs of all users, not only the API user's (default true; needs admin).
   * @throws CmlBadResponseError unless the body is an array.
   */
  async listLabIds(opts: { showAll?: boolean } = {}): Promise<CmlLabIdList> {
    return this.#authorized({
      route: 'labs.list',
      method: 'GET',
      path: '/labs',
      params: { show_all: String(opts.showAll ?? true) },
      read: (body, ctx, status) => this.#validate(ctx, status, body, cmlLabIdListSchema),
    });
  }

  /**
   * `GET /labs/{id}`: lab metadata, validated and converted to camelCase.
   *
   * @throws CmlNotFoundError when the lab does not exist.
   * @throws CmlBadResponseError when the body is malformed or describes another lab.
   */
  async getLab(labId: string): Promise<CmlLab> {
    return this.#authorized({
      route: 'labs.get',
      method: 'GET',
      path: `/labs/${encodeCmlLabId(labId)}`,
      read: (body, ctx, status) => {
        const lab = this.#validate(ctx, status, body, cmlLabSchema);
        if (lab.id !== normalizeCmlLabId(labId)) {
          throw new CmlBadResponseError(
            `CML worker "${this.workerId}" answered ${ctx.route} with a different lab than requested`,
            { workerId: this.workerId, route: ctx.route, status },
          );
        }
        return lab;
      },
    });
  }

  /**
   * `GET /populate_lab_tiles`: the lab fields of every lab the account can see, in one request
   * (the only bulk endpoint of CML's API; its SPEC marks it "Do not use", and it may lag behind
   * `GET /labs/{id}`). Content only: which labs exist is the list's word, never the tiles'.
   *
   * @throws CmlNotFoundError when CML answers its own 404 (a proxy's 404 is another CmlError).
   * @throws CmlBadResponseError when the body is not a map of tiles.
   */
  async labTiles(): Promise<CmlLabTiles> {
    return this.#authorized({
      route: 'labs.tiles',
      method: 'GET',
      path: '/populate_lab_tiles',
      read: (body, ctx, status) => this.#validate(ctx, status, body, cmlLabTilesSchema),
    });
  }

  /**
   * The account this client is logged in as, logging in first when it has no session yet. Its
   * `admin` flag decides whether a `show_all` list can be complete.
   */
  async account(): Promise<CmlAccount> {
    await this.#tokens.get();
    return { ...this.#account! };
  }

  /** `GET /labs/{id}/state`: the lab's state, e.g. `STARTED`. @throws CmlNotFoundError */
  async labState(labId: string): Promise<string> {
    return this.#authorized({
      route: 'labs.state',
      method: 'GET',
      path: `/labs/${encodeCmlLabId(labId)}/state`,
      read: (body, ctx, status) => this.#validate(ctx, status, body, cmlLabStateSchema),
    });
  }

  /** `GET /labs/{id}/check_if_converged`: true once every node has reached its target state. */
  async isConverged(labId: string): Promise<boolean> {
    return this.#authorized({
      route: 'labs.converged',
      method: 'GET',
      path: `/labs/${encodeCmlLabId(labId)}/check_if_converged`,
      read: (body, ctx, status) => this.#validate(ctx, status, body, cmlConvergedSchema),
    });
  }

  /**
   * Waits until the lab is in one of `states` and CML says it has converged. CML's start, stop
   * and wipe answer 204 at once and move the nodes afterwards (a lab reads STARTED until its
   * nodes are down), so the next lifecycle call must wait for this.
   *
   * @returns the state reached.
   * @throws CmlTimeoutError when it has not happened within `timeoutMs`; any error of the polls.
   */
  async waitForLabState(labId: string, states: readonly string[], timeoutMs: number): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    let state = '';
    for (let attempt = 0; ; attempt++) {
      state = await this.labState(labId);
      if (states.includes(state) && (await this.isConverged(labId))) return state;
      const left = deadline - performance.now();
      if (left <= 0) break;
      await sleep(Math.min(left, convergePollDelayMs(attempt)));
    }
    throw new CmlTimeoutError(
      `Lab on CML worker "${this.workerId}" did not reach ${states.join(' or ')} within ${timeoutMs} ms (it is ${state})`,
      { workerId: this.workerId, route: 'labs.state' },
    );
  }

  /** `PUT /labs/{id}/start`. @throws CmlConflictError when CML refuses in the current state. */
  async startLab(labId: string): Promise<void> {
    return this.#labAction('labs.start', 'PUT', `/labs/${encodeCmlLabId(labId)}/start`);
  }

  /** `PUT /labs/{id}/stop`. @throws CmlConflictError when CML refuses in the current state. */
  async stopLab(labId: string): Promise<void> {
    return this.#labAction('labs.stop', 'PUT', `/labs/${encodeCmlLabId(labId)}/stop`);
  }

  /** `PUT /labs/{id}/wipe`. @throws CmlConflictError when the lab is still running. */
  async wipeLab(labId: string): Promise<void> {
    return this.#labAction('labs.wipe', 'PUT', `/labs/${encodeCmlLabId(labId)}/wipe`);
  }

  /** `DELETE /labs/{id}`. @throws CmlConflictError unless the lab is stopped and wiped (CML answers 400). */
  async deleteLab(labId: string): Promise<void> {
    return this.#labAction('labs.delete', 'DELETE', `/labs/${encodeCmlLabId(labId)}`);
  }

  /**
   * Releases the connection pool and forgets the token. Requests already running finish first,
   * because the factory disposes a replaced client while callers may still hold it.
   */
  dispose(): void {
    this.#disposed = true;
    this.#tokens.clear();
    this.#releaseAgentIfIdle();
  }

  #labAction(route: CmlRoute, method: HttpMethod, path: string): Promise<void> {
    // CML answers 204; the body, if any, carries nothing we need.
    return this.#authorized({ route, method, path, read: () => undefined });
  }

  /**
   * Logs in with `POST /auth_extended`, which also says whether the account is an administrator
   * (what a non-admin sees of `GET /labs?show_all=true` is only its own and shared labs). A
   * controller without that route (404/405) gets `POST /authenticate` from then on, and the
   * account's admin flag stays unknown.
   */
  async #authenticate(): Promise<string> {
    const credentials = { username: this.#username, password: this.#password };
    if (this.#authExtended) {
      try {
        const { token, account } = await this.#send(
          {
            route: 'auth_extended',
            method: 'POST',
            path: '/auth_extended',
            data: credentials,
            read: (body, ctx, status) => this.#validate(ctx, status, body, cmlAuthExtendedSchema),
          },
          undefined,
        );
        this.#account = account;
        return token;
      } catch (error) {
        if (!(error instanceof CmlError && (error.status === 404 || error.status === 405))) throw error;
        this.#authExtended = false;
      }
    }
    const token = await this.#send(
      {
        route: 'authenticate',
        method: 'POST',
        path: '/authenticate',
        data: credentials,
        read: (body, ctx, status) => this.#validate(ctx, status, body, cmlTokenSchema),
      },
      undefined,
    );
    this.#account = { username: this.#username, userId: null, admin: null };
    return token;
  }

  async #authorized<T>(spec: CmlRequestSpec<T>): Promise<T> {
    const token = await this.#tokens.get();
    try {
      return await this.#send(spec, token);
    } catch (error) {
      // Only a 401 means "token expired"; a second 401 right after a fresh login propagates.
      if (!(error instanceof CmlUnauthorizedError && error.status === 401)) {
        throw error;
      }
    }
    const fresh = await this.#tokens.renew(token);
    return this.#send(spec, fresh);
  }

  async #send<T>(spec: CmlRequestSpec<T>, token: string | undefined): Promise<T> {
    const ctx: CmlRequestContext = {
      workerId: this.workerId,
      route: spec.route,
      stateChanging: spec.method === 'PUT' || spec.method === 'DELETE',
    };
    const started = performance.now();
    let status: number | undefined;
    let outcome: CmlRequestOutcome = 'ok';
    // A client span per HTTP request (logins and re-sends included): the route template, never the URL,
    // its query or a credential.
    const span = tracer().startSpan(`${spec.method} ${spec.route}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': spec.method,
        'cml.route': spec.route,
        'cml.worker.id': this.workerId,
      },
    });
    this.#inFlight += 1;
    try {
      let response;
      try {
        response = await this.#exchange(
          {
            method: spec.method,
            path: spec.path,
            query: spec.params,
            json: spec.data,
            maxBytes: MAX_RESPONSE_BYTES[spec.route] ?? DEFAULT_MAX_RESPONSE_BYTES,
            headers: token === undefined ? undefined : { Authorization: `Bearer ${token}` },
            // The idle timeout only covers a silent socket; this also bounds a server that trickles
            // bytes. One signal for both attempts, so a retry stays within the same deadline.
            signal: AbortSignal.timeout(this.#timeoutMs),
          },
          spec.method === 'GET' || (spec.method === 'PUT' && REPEATABLE_PUT_ROUTES.has(spec.route)),
        );
      } catch (error) {
        throw mapCmlTransportError(ctx, error, this.#timeoutMs);
      }
      status = response.status;
      if (status < 200 || status > 299) {
        const body = parseCmlErrorBody(response.body);
        if (body.cmlDescription !== undefined) {
          body.cmlDescription = scrubSecrets(body.cmlDescription, [this.#password, token]);
        }
        throw mapCmlStatusError(ctx, status, body);
      }
      return spec.read(response.body, ctx, status);
    } catch (error) {
      outcome = error instanceof CmlError ? error.outcome : 'bad_response';
      recordFailure(span, error);
      throw error;
    } finally {
      if (status !== undefined) span.setAttribute('http.response.status_code', status);
      span.setAttribute('cml.outcome', outcome);
      span.end();
      this.#inFlight -= 1;
      this.#report({
        workerId: this.workerId,
        route: spec.route,
        method: spec.method,
        status,
        outcome,
        durationMs: performance.now() - started,
      });
      this.#releaseAgentIfIdle();
    }
  }

  /**
   * Sends the request, and once more on a new connection when it met the keep-alive race (a
   * reused socket closed before any byte of the answer) and repeating it is harmless. Anything
   * else, a second reset included, goes to the caller.
   */
  async #exchange(request: CmlHttpRequest, repeatable: boolean): Promise<CmlHttpResponse> {
    try {
      return await this.#http.send(request);
    } catch (error) {
      if (!repeatable || !(error instanceof CmlTransportFailure && error.resetBeforeAnswerOnReusedSocket)) {
        throw error;
      }
    }
    dropIdleSockets(this.#agent);
    return this.#http.send(request);
  }

  #validate<T>(ctx: CmlRequestContext, status: number, raw: unknown, schema: ZodType<T>): T {
    const details = { workerId: this.workerId, route: ctx.route, status };
    const prefix = `CML worker "${this.workerId}" sent an invalid answer to ${ctx.route}`;
    const json = parseCmlJsonBody(raw);
    if (!json.ok) {
      throw new CmlBadResponseError(`${prefix}: ${json.problem}`, details);
    }
    const result = schema.safeParse(json.value);
    if (!result.success) {
      // The path only names our schema's fields (or array indexes), never server-chosen text.
      const issue = result.error.issues[0];
      const where = issue && issue.path.length > 0 ? `field "${issue.path.join('.')}"` : 'body';
      throw new CmlBadResponseError(`${prefix}: ${where} has an unexpected type or value`, details);
    }
    return result.data;
  }

  #report(event: Parameters<CmlRequestObserver['observe']>[0]): void {
    try {
      this.#observer.observe(event);
    } catch {
      // Telemetry must never turn a successful CML call into a failure.
    }
  }

  #releaseAgentIfIdle(): void {
    if (this.#disposed && this.#inFlight === 0) {
      this.#agent.destroy();
    }
  }
}
