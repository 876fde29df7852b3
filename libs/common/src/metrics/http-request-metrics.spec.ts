import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CanActivate,
  Controller,
  Get,
  INestApplication,
  Injectable,
  MiddlewareConsumer,
  Module,
  NestModule,
  Param,
  Post,
  RequestMethod,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Registry } from 'prom-client';
import request from 'supertest';
import {
  HttpRequestMetrics,
  labelRoute,
  methodLabelOf,
  STATIC_ROUTE,
  UNMATCHED_ROUTE,
} from './http-request-metrics';
import { MetricsModule } from './metrics.module';

@Injectable()
class RefuseAll implements CanActivate {
  canActivate(): boolean {
    throw new UnauthorizedException();
  }
}

@Controller('api/workers')
class WorkersTestController {
  @Get(':workerId/labs')
  labs(@Param('workerId') workerId: string): { workerId: string } {
    return { workerId };
  }

  @Post()
  @UseGuards(RefuseAll)
  register(): void {}
}

/** As nestjs-pino mounts its middleware in the apps: Nest makes a middleware for every method a route of its own. */
@Module({ imports: [MetricsModule], controllers: [WorkersTestController] })
class TestModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply((_req: unknown, _res: unknown, next: () => void) => next())
      .forRoutes({ path: '*', method: RequestMethod.ALL });
  }
}

/** The value of one exposed series (e.g. `..._count` of a histogram) with exactly these labels. */
async function sample(
  registry: Registry,
  series: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const sameLabels = (got: Record<string, unknown>) =>
    Object.keys(got).length === Object.keys(labels).length &&
    Object.entries(labels).every(([key, value]) => got[key] === value);
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const value of metric.values as {
      labels: Record<string, unknown>;
      value: number;
      metricName?: string;
    }[]) {
      if ((value.metricName ?? metric.name) === series && sameLabels(value.labels)) return value.value;
    }
  }
  return undefined;
}

describe('HttpRequestMetrics (a real Nest app over HTTP)', () => {
  let app: INestApplication;
  let registry: Registry;
  let staticDir: string;

  beforeAll(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'http-metrics-'));
    writeFileSync(join(staticDir, 'index.html'), '<html></html>');
    app = await NestFactory.create<NestExpressApplication>(TestModule, { logger: false });
    app.use(app.get(HttpRequestMetrics).middleware);
    (app as NestExpressApplication).useStaticAssets(staticDir, {
      setHeaders: (res) => labelRoute(res, STATIC_ROUTE),
    });
    await app.init();
    registry = app.get(Registry);
  });

  afterAll(async () => {
    await app.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('labels a request with the route template, not the URL, so two ids make one series', async () => {
    await request(app.getHttpServer()).get('/api/workers/w-1/labs').expect(200);
    await request(app.getHttpServer()).get('/api/workers/w-2/labs').expect(200);

    const labels = { method: 'GET', route: '/api/workers/:workerId/labs', status: '200' };
    expect(await sample(registry, 'http_requests_total', labels)).toBe(2);
    expect(await sample(registry, 'http_request_duration_seconds_count', labels)).toBe(2);
    const text = await registry.metrics();
    expect(text).not.toContain('w-1');
    expect(text).toMatch(/^# TYPE http_requests_total counter$/m);
    expect(text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
  });

  it('counts a request a guard refused under its route and status', async () => {
    await request(app.getHttpServer()).post('/api/workers').expect(401);
    expect(
      await sample(registry, 'http_requests_total', { method: 'POST', route: '/api/workers', status: '401' }),
    ).toBe(1);
  });

  it('counts every unknown path under one label', async () => {
    await request(app.getHttpServer()).get('/nothing/here-1').expect(404);
    await request(app.getHttpServer()).get('/nothing/here-2').expect(404);
    expect(
      await sample(registry, 'http_requests_total', { method: 'GET', route: UNMATCHED_ROUTE, status: '404' }),
    ).toBe(2);
    expect(await registry.metrics()).not.toContain('here-1');
  });

  it('counts static files under the label their middleware gave them', async () => {
    await request(app.getHttpServer()).get('/index.html').expect(200);
    expect(
      await sample(registry, 'http_requests_total', { method: 'GET', route: STATIC_ROUTE, status: '200' }),
    ).toBe(1);
  });
});

describe('methodLabelOf', () => {
  it('keeps the usual methods and folds any other into OTHER', () => {
    expect(methodLabelOf('get')).toBe('GET');
    expect(methodLabelOf('DELETE')).toBe('DELETE');
    expect(methodLabelOf('PROPFIND')).toBe('OTHER');
    expect(methodLabelOf(undefined)).toBe('OTHER');
  });
});
