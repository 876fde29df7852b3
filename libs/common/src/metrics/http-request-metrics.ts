import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';

/** What a response that no route handled counts under: requests refused before routing, and 404s. */
export const UNMATCHED_ROUTE = 'unmatched';
/** Files served by a static middleware (the web console), so their paths never become labels. */
export const STATIC_ROUTE = 'static';

const ROUTE_LABEL = Symbol('cml-labs.http-metrics.route');
const CATCH_ALL = /^\/?(\{\*[^}]*\}|\*[A-Za-z0-9_]*|\(\.\*\))$/;
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

type LabelledResponse = ServerResponse & { [ROUTE_LABEL]?: string };
type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

/** Names the route of a response that no router route answers (e.g. a static file), for the metrics. */
export function labelRoute(res: ServerResponse, route: string): void {
  (res as LabelledResponse)[ROUTE_LABEL] = route;
}

/**
 * The route label: the template Express matched (`/api/workers/:workerId`), never the raw URL, so label
 * cardinality is bounded by the routes the app has. Read when the response is finished, because Express
 * sets `req.route` only once routing reached the handler.
 */
export function routeLabelOf(req: IncomingMessage, res: ServerResponse): string {
  const explicit = (res as LabelledResponse)[ROUTE_LABEL];
  if (explicit) return explicit;
  const routed = req as RoutedRequest;
  const path = routed.route?.path;
  // A whole-path wildcard is a middleware's (Nest mounts `forRoutes('{*path}')` middleware, nestjs-pino's among
  // them, as a route), left in place when no controller route matched after it.
  if (typeof path !== 'string' || CATCH_ALL.test(path)) return UNMATCHED_ROUTE;
  return `${routed.baseUrl ?? ''}${path}`;
}

/** Methods outside the usual set share one label value: a client cannot grow the series with made-up verbs. */
export function methodLabelOf(method: string | undefined): string {
  const upper = (method ?? '').toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : 'OTHER';
}

/** `http_requests_total` and `http_request_duration_seconds`, by method, route template and status. */
@Injectable()
export class HttpRequestMetrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to the end of its response, by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  }

  /** Express/Connect middleware: counts every request once its response is finished (or the client went away). */
  readonly middleware = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const started = process.hrtime.bigint();
    let counted = false;
    const count = (): void => {
      if (counted) return;
      counted = true;
      const labels = {
        method: methodLabelOf(req.method),
        route: routeLabelOf(req, res),
        // A client that hung up before the response was complete: no status reached it.
        status: res.writableFinished ? String(res.statusCode) : 'aborted',
      };
      this.requests.inc(labels);
      this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', count);
    res.once('close', count);
    next();
  };
}
