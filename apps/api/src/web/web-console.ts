import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { AppConfig, ConfigValidationError, labelRoute, STATIC_ROUTE } from '@app/common';
import { isHttpUrl } from '@app/common/config/url-checks';

/** Settings of the web console (apps/web); read here so that libs/common's config stays the API's own. */
export interface WebConsoleConfig {
  /** Where the browser reads the audit trail (apps/audit). */
  auditUrl: string;
  /** The OIDC client id of the console (authorization code + PKCE against AUTH_ISSUER); none = no login button. */
  oidcClientId?: string;
  /** The built console (`npm run web:build`); none found = the API serves no console. */
  distDir?: string;
}

/** What `GET /web-config.json` answers: public, no secret in it. */
export interface WebConsoleSettings {
  authDisabled: boolean;
  auth: { issuer: string; clientId?: string } | null;
  auditUrl: string;
  /** Where the API reads roles in a token (AUTH_ROLES_CLAIM), so that the console hides what it would refuse. */
  roleClaims: string[][];
}

/**
 * WEB_AUDIT_URL (default http://127.0.0.1:8081), OIDC_CLIENT_ID (optional) and WEB_DIST_DIR (default: the
 * nearest apps/web/dist above this file, so both ts-node and dist/ find it).
 */
export function loadWebConsoleConfig(env: NodeJS.ProcessEnv = process.env): WebConsoleConfig {
  const auditUrl = env.WEB_AUDIT_URL?.trim() || 'http://127.0.0.1:8081';
  if (!isHttpUrl(auditUrl)) {
    throw new ConfigValidationError(['WEB_AUDIT_URL must be an http:// or https:// URL']);
  }
  const distDir = env.WEB_DIST_DIR?.trim() || findConsoleBuild(__dirname);
  return {
    auditUrl: auditUrl.replace(/\/+$/, ''),
    oidcClientId: env.OIDC_CLIENT_ID?.trim() || undefined,
    distDir,
  };
}

export function webConsoleSettings(config: AppConfig, web: WebConsoleConfig): WebConsoleSettings {
  const issuer = config.auth.issuer;
  // AUTH_ISSUER is required with HS256 too, where it is only the `iss` tokens carry, not a provider to log in
  // with: the console hears of it when there is one (JWKS keys) or a client to log in as.
  const provider = !!config.auth.jwksUrl || !!web.oidcClientId;
  return {
    authDisabled: config.auth.disabled,
    auth: config.auth.disabled || !issuer || !provider ? null : { issuer, clientId: web.oidcClientId },
    auditUrl: web.auditUrl,
    roleClaims: config.auth.roleClaims,
  };
}

/**
 * `GET /web-config.json` (outside /api, so no token is needed to learn how to get one) and, when a build
 * exists, the console's static files at `/`. Registered before Nest's routes; /api, /health and /metrics
 * are never shadowed because the build holds no such paths.
 */
export function mountWebConsole(app: INestApplication, config: AppConfig, web: WebConsoleConfig): void {
  const settings = webConsoleSettings(config, web);
  const express = (app as NestExpressApplication).getHttpAdapter().getInstance();
  express.get('/web-config.json', (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(settings);
  });
  if (!web.distDir || !existsSync(join(web.distDir, 'index.html'))) return;
  (app as NestExpressApplication).useStaticAssets(web.distDir, {
    index: 'index.html',
    setHeaders: (res, path) => {
      labelRoute(res, STATIC_ROUTE);
      // Vite fingerprints everything under assets/; index.html must always be revalidated.
      res.setHeader(
        'Cache-Control',
        path.includes(`${join('assets', '')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}

function findConsoleBuild(from: string): string | undefined {
  let dir = resolve(from);
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'apps', 'web', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
