import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import express from 'express';
import { request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { startInMemoryTracing } from '../testing/in-memory-tracing';
import { traced } from '../tracing/tracer';
import { httpServerTracing } from './http-server-tracing';

describe('httpServerTracing', () => {
  let tracing: ReturnType<typeof startInMemoryTracing>;
  let app: express.Express;
  let seenInHandler: string | undefined;

  beforeEach(() => {
    tracing = startInMemoryTracing();
    seenInHandler = undefined;
    app = express();
    app.use(httpServerTracing());
    // After the span starts, as in the apps: the parser's callbacks must stay in the span's context.
    app.use(express.json());
    app.post('/api/workers/:workerId/labs', async (req, res) => {
      await traced('inner work', {}, async () => undefined);
      seenInHandler = trace.getActiveSpan()?.spanContext().spanId;
      res.status(201).json({ got: req.body });
    });
    app.get('/api/boom', () => {
      throw new Error('secret detail');
    });
    app.get('/health/live', (_req, res) => res.json({ ok: true }));
  });
  afterEach(() => tracing.stop());

  it('one server span per request, named by the route template, the handler and its work inside it', async () => {
    await request(app)
      .post('/api/workers/w-1/labs?token=abc')
      .send({ a: 1 })
      .expect(201, { got: { a: 1 } });
    const server = tracing.spans.one('POST /api/workers/:workerId/labs');
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.attributes).toEqual({
      'http.request.method': 'POST',
      'http.route': '/api/workers/:workerId/labs',
      'http.response.status_code': 201,
      'url.path': '/api/workers/w-1/labs',
      'url.scheme': 'http',
    });
    expect(seenInHandler).toBe(server.spanContext().spanId);
    expect(tracing.spans.parentOf(tracing.spans.one('inner work'))).toBe(server);
  });

  it('stays in the span while the body arrives later, in pieces', async () => {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            port,
            host: '127.0.0.1',
            method: 'POST',
            path: '/api/workers/w-1/labs',
            headers: { 'content-type': 'application/json', 'content-length': '7' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.flushHeaders();
        setTimeout(() => req.write('{"a":'), 30);
        setTimeout(() => req.end('1}'), 60);
      });
      expect(status).toBe(201);
      const span = tracing.spans.one('POST /api/workers/:workerId/labs');
      expect(seenInHandler).toBe(span.spanContext().spanId);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('continues the caller’s traceparent', async () => {
    await request(app)
      .post('/api/workers/w-1/labs')
      .set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')
      .send({})
      .expect(201);
    const server = tracing.spans.one(/^POST /);
    expect(server.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(server.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('marks a 5xx as an error, names an unrouted request by its method only, skips health probes', async () => {
    await request(app).get('/api/boom').expect(500);
    await request(app).get('/nowhere/123').expect(404);
    await request(app).get('/health/live').expect(200);
    const names = tracing.spans.all.map((s) => s.name);
    expect(names.sort()).toEqual(['GET', 'GET /api/boom']);
    const boom = tracing.spans.one('GET /api/boom');
    expect(boom.status.code).toBe(SpanStatusCode.ERROR);
    expect(JSON.stringify([boom.attributes, boom.events, boom.status])).not.toContain('secret detail');
    expect(tracing.spans.one('GET').attributes['http.response.status_code']).toBe(404);
  });
});
