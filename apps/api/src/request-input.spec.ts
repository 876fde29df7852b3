import { Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { randomBytes } from 'node:crypto';
import { loadAppConfig, requestInputRules } from '@app/common';
import { AppModule } from './app.module';

interface Route {
  name: string;
  handler: object;
  query: 'dto' | 'none' | 'undeclared';
  body: 'json' | 'none' | 'undeclared';
}

/** Every route of every /api controller, with what its signature and its decorators say it accepts. */
function apiRoutes(): Route[] {
  const config = loadAppConfig({
    AUTH_DISABLED: 'true',
    MONGODB_URI: 'mongodb://127.0.0.1:1/unused',
    SECRETS_KEY: randomBytes(32).toString('base64'),
  });
  const controllers = (AppModule.forRoot(config).controllers ?? []) as Type[];
  const routes: Route[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    if (!/^\/?api(\/|$)/.test(base)) continue;
    const proto = controller.prototype as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(proto)) {
      const handler = proto[key];
      if (key === 'constructor' || typeof handler !== 'function') continue;
      if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, key) ?? {}) as Record<
        string,
        { index: number; data?: unknown }
      >;
      const params = (Reflect.getMetadata('design:paramtypes', proto, key) ?? []) as unknown[];
      const whole = (type: RouteParamtypes) =>
        Object.entries(args).filter(([k, v]) => k.startsWith(`${type}:`) && v.data === undefined);
      const partial = (type: RouteParamtypes) =>
        Object.entries(args).some(([k, v]) => k.startsWith(`${type}:`) && v.data !== undefined);
      // A named @Query('x') or @Body('x') would bypass the DTO rules: not allowed.
      expect({ route: `${controller.name}.${key}`, partial: partial(RouteParamtypes.QUERY) }).toMatchObject({
        partial: false,
      });
      expect({ route: `${controller.name}.${key}`, partial: partial(RouteParamtypes.BODY) }).toMatchObject({
        partial: false,
      });
      const rules = requestInputRules(handler);
      const dto = (type: RouteParamtypes) =>
        whole(type).some(([, v]) => typeof params[v.index] === 'function' && params[v.index] !== Object);
      routes.push({
        name: `${controller.name}.${key}`,
        handler,
        query: dto(RouteParamtypes.QUERY) ? 'dto' : rules.includes('no-query') ? 'none' : 'undeclared',
        body: dto(RouteParamtypes.BODY)
          ? rules.includes('json-body')
            ? 'json'
            : 'undeclared'
          : rules.includes('no-body')
            ? 'none'
            : 'undeclared',
      });
    }
  }
  return routes;
}

describe('request input of the /api routes', () => {
  const routes = apiRoutes();

  it('finds the routes', () => expect(routes.length).toBeGreaterThanOrEqual(16));

  it('each states its query (a DTO or @NoQuery) and its body (a DTO with @JsonBody, or @NoBody), never both', () => {
    const problems = routes.flatMap((r) => {
      const rules = requestInputRules(r.handler);
      const out: string[] = [];
      if (r.query === 'undeclared') out.push(`${r.name}: query neither a DTO nor @NoQuery()`);
      if (r.body === 'undeclared') out.push(`${r.name}: body neither a DTO with @JsonBody() nor @NoBody()`);
      if (r.query === 'dto' && rules.includes('no-query')) out.push(`${r.name}: a query DTO and @NoQuery()`);
      if (r.body === 'json' && rules.includes('no-body')) out.push(`${r.name}: a body DTO and @NoBody()`);
      return out;
    });
    expect(problems).toEqual([]);
  });
});
