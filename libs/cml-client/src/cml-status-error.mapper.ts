import type { CmlRequestContext } from './cml-request-context.interface';
import type { CmlErrorBody } from './responses/cml-error-body.parser';
import { CmlBadResponseError } from './errors/cml-bad-response.error';
import { CmlConflictError } from './errors/cml-conflict.error';
import type { CmlError } from './errors/cml.error';
import { CmlNotFoundError } from './errors/cml-not-found.error';
import { CmlUnauthorizedError } from './errors/cml-unauthorized.error';
import { CmlUnavailableError } from './errors/cml-unavailable.error';

/**
 * Maps a non-2xx HTTP status from CML to the matching {@link CmlError}. The status decides the
 * class, with one exception: a 404 is CML's own "not found" only when it carries CML's error body
 * `{code: 404, description}`. Reverse proxies and load balancers in front of CML answer 404 with
 * their own (HTML) page for paths they do not route; taking that for "the lab is gone" would
 * delete records of labs that exist, so such a 404 is a bad response ("don't know").
 */
export function mapCmlStatusError(ctx: CmlRequestContext, status: number, body: CmlErrorBody): CmlError {
  const details = { workerId: ctx.workerId, route: ctx.route, status, ...body };
  const worker = `CML worker "${ctx.workerId}"`;
  const suffix = body.cmlDescription ? `: ${body.cmlDescription}` : '';

  if (status === 404) {
    if (isCmlOwnNotFound(body)) {
      return new CmlNotFoundError(`Not found on ${worker} (${ctx.route}, HTTP 404)${suffix}`, details);
    }
    return new CmlBadResponseError(
      `${worker} answered ${ctx.route} with an HTTP 404 that is not CML's own (no {code: 404, description} body; a proxy in front of CML?)`,
      details,
    );
  }
  if (ctx.stateChanging && (status === 400 || status === 409)) {
    return new CmlConflictError(
      `${worker} refused ${ctx.route} in the lab's current state (HTTP ${status})${suffix}`,
      details,
    );
  }
  if ((ctx.route === 'authenticate' || ctx.route === 'auth_extended') && (status === 401 || status === 403)) {
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

function isCmlOwnNotFound(body: CmlErrorBody): boolean {
  return (body.cmlCode === 404 || body.cmlCode === '404') && body.cmlDescription !== undefined;
}
