import express from 'express';
import { Writable } from 'node:stream';
import pinoHttp from 'pino-http';
import request from 'supertest';
import { AppConfig } from '@app/common';
import { httpServerTracing } from '@app/telemetry';
import { startInMemoryTracing } from '@app/telemetry/testing/in-memory-tracing';
import { pinoHttpOptions } from './pino-http.options';

/** The API's request logging in front of a handler that logs a line, as in the app: tracing's middleware first. */
function appLoggingTo(lines: Record<string, unknown>[], traced: boolean): express.Express {
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = express();
  if (traced) app.use(httpServerTracing());
  app.use(pinoHttp(pinoHttpOptions({ logLevel: 'info' } as AppConfig), sink));
  app.get('/api/things', (req, res) => {
    req.log.info({ workerId: 'w-1' }, 'inside the request');
    res.json([]);
  });
  return app;
}

describe('API request logs and traces', () => {
  it('every line of a traced request carries its trace id and span id; the correlation id is the trace id', async () => {
    const tracing = startInMemoryTracing();
    try {
      const lines: Record<string, unknown>[] = [];
      const res = await request(appLoggingTo(lines, true)).get('/api/things').expect(200);
      const span = tracing.spans.one('GET /api/things');
      const { traceId, spanId } = span.spanContext();
      const inside = lines.find((l) => l.msg === 'inside the request')!;
      expect(inside).toMatchObject({ traceId, spanId, workerId: 'w-1', req: { id: traceId } });
      expect(lines.find((l) => l.msg === 'request completed')).toMatchObject({ traceId, spanId });
      expect(res.headers['x-correlation-id']).toBe(traceId);
    } finally {
      await tracing.stop();
    }
  });

  it('without tracing, no trace fields', async () => {
    const lines: Record<string, unknown>[] = [];
    await request(appLoggingTo(lines, false)).get('/api/things').expect(200);
    const inside = lines.find((l) => l.msg === 'inside the request')!;
    expect(inside).not.toHaveProperty('traceId');
    expect(inside).not.toHaveProperty('spanId');
    expect(inside).toMatchObject({ req: { id: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
  });
});
