import type { CmlRequestContext } from './cml-request-context.interface';
import type { CmlErrorBody } from './responses/cml-error-body.parser';
import { CmlBadResponseError } from './errors/cml-bad-response.error';
import { CmlConflictError } from './errors/cml-conflict.error';
import type { CmlError } from './errors/cml.error';
import { CmlNotFoundError } from './errors/cml-not-found.error';
import { CmlUnauthorizedError } from './errors/cml-unauthorized.error';
import { CmlUnavailableError } from './errors/cml-unavailable.error';

/**
 * Maps a non-2xx HTTP status from CML to the matching {@link CmlError}. The error body is only
 * decoration (`cmlCode`, `cmlDescription`); the status alone decides the class, because proxies in
 * front of CML answer with HTML.
 */
export function mapCmlStatusError(ctx: CmlRequestContext, status: number, body: CmlErrorBody): CmlError {
  const details = { workerId: ctx.workerId, route: ctx.route, status, ...body };
  const worker = `CML worker "${ctx.workerId}"`;
  const suffix = body.cmlDescription ? `: ${body.cmlDescription}` : '';

  if (status === 404) {
    return new CmlNotFoundError(`Not found on ${worker} (${ctx.route}, HTTP 404)${suffix}`, details);
  }
  if (ctx.stateChanging && (status === 400 || status === 409)) {
    return new CmlConflictError(
      `${worker} refused ${ctx.route} in the lab's current state (HTTP ${status})${suffix}`,
      details,
    );
  }
  if (ctx.route === 'authenticate' && (status === 401 || status === 403)) {
    return new CmlUnauthorizedError(
      `${worker} rejected the configured credentials (HTTP ${status})`,
      details,
    );
  }
  if (status === 401) {
    return new CmlUnauthorizedError(
      `${worker} rejected the session token for ${ctx.route} (HTTP 401)`,
      details,
    );
  }
  if (status === 403) {
    return new CmlUnauthorizedError(
      `${worker} denied ${ctx.route} to the configured user (HTTP 403)${suffix}`,
      details,
    );
  }
  if (status >= 500 && status <= 599) {
    return new CmlUnavailableError(
      `${worker} is unavailable: server error on ${ctx.route} (HTTP ${status})`,
      {
        ...details,
        reason: 'server_error',
      },
    );
  }
  return new CmlBadResponseError(
    `${worker} answered ${ctx.route} with unexpected HTTP ${status}${suffix}`,
    details,
  );
}
