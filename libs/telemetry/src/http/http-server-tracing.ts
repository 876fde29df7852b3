import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { tracer } from '../tracing/tracer';

type Next = (error?: unknown) => void;

/** What express leaves on a request it routed: the route's template, not the URL. */
type RoutedRequest = IncomingMessage & { baseUrl?: string; route?: { path?: unknown } };

function routeTemplateOf(req: RoutedRequest): string | undefined {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : undefined;
}

/**
 * Express middleware: one server span per request, named `{method} {route template}` once the route is
 * known, continuing the caller's W3C `traceparent`. Everything the request does (commands, CML calls,
 * database writes, log lines) runs in the span's context. Health probes are not traced: they would
 * drown the traces that matter.
 *
 * Registered before the body parser, so that the span covers the whole request; the parser's callbacks
 * stay in the span's context (AsyncLocalStorage follows the stream reads; the spec checks it with a body
 * that arrives late and in pieces).
 */
export function httpServerTracing(): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  return (req, res, next) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith('/health')) return next();
    const method = req.method ?? 'GET';
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer().startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': method, 'url.path': path, 'url.scheme': 'http' },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      const route = routeTemplateOf(req as RoutedRequest);
      if (route) {
        span.setAttribute('http.route', route);
        span.updateName(`${method} ${route}`);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      if (!res.writableFinished) span.setAttribute('error.type', 'aborted');
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    context.with(active, next);
  };
}
