/**
 * `npm run web:api-types`: writes apps/web/src/api/schema.gen.ts, the console's API types, from the API's own
 * OpenAPI document; `npm run web:api-types -- --check` fails when the checked-in file differs from a fresh
 * generation (.ci/run runs it).
 *
 * The document is the one production serves at /api/docs-json. That one is built by `nest build`, whose
 * @nestjs/swagger compiler plugin (nest-cli.json) turns the DTOs' TypeScript types, class-validator rules and
 * comments into schema metadata; ts-node alone would give a document without them. So this script compiles
 * apps/api the way `nest build` does (TypeScript with that plugin and its options from nest-cli.json), into
 * node_modules/.cache, and loads the AppModule from there in Nest's preview mode: the module graph and its
 * controllers are scanned, no provider is instantiated, so no database is connected and nothing listens.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { register } from 'tsconfig-paths';
import { format, resolveConfig } from 'prettier';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'apps', 'web', 'src', 'api', 'schema.gen.ts');
const BUILD = join(ROOT, 'node_modules', '.cache', 'cml-labs-openapi');

/** The @nestjs/swagger plugin options `nest build` uses. */
function swaggerPluginOptions(): Record<string, unknown> {
  const cli = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8')) as {
    compilerOptions?: { plugins?: (string | { name: string; options?: Record<string, unknown> })[] };
  };
  const plugin = cli.compilerOptions?.plugins?.find(
    (p) => (typeof p === 'string' ? p : p.name) === '@nestjs/swagger',
  );
  if (!plugin) throw new Error('nest-cli.json configures no @nestjs/swagger plugin');
  return typeof plugin === 'string' ? {} : (plugin.options ?? {});
}

/** Compiles the API (and the libs it imports) into BUILD with the swagger plugin, as `nest build` would. */
function compileApi(): void {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error('tsconfig.build.json could not be read');
  rmSync(BUILD, { recursive: true, force: true });
  const program = ts.createProgram({
    rootNames: [
      join(ROOT, 'apps/api/src/app.module.ts'),
      join(ROOT, 'apps/api/src/openapi/openapi-document.ts'),
    ],
    options: { ...parsed.options, outDir: BUILD, rootDir: ROOT, sourceMap: false, noEmit: false },
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const swaggerPlugin = require('@nestjs/swagger/plugin') as typeof import('@nestjs/swagger/dist/plugin');
  const result = program.emit(undefined, undefined, undefined, false, {
    before: [swaggerPlugin.before(swaggerPluginOptions(), program)],
  });
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    throw new Error(
      ts.formatDiagnostics(errors, { ...ts.sys, getCanonicalFileName: (f) => f, getNewLine: () => '\n' }),
    );
  }
}

async function openApiDocument(): Promise<unknown> {
  compileApi();
  const { compilerOptions } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  // The compiled code imports the libs by their @app/* aliases, which `nest build` rewrites and tsc does not.
  const unregister = register({ baseUrl: BUILD, paths: compilerOptions.paths });
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { NestFactory } = require('@nestjs/core') as typeof import('@nestjs/core');
    const { loadAppConfig } = require(join(BUILD, 'libs/common/src')) as typeof import('@app/common');
    const { AppModule } = require(
      join(BUILD, 'apps/api/src/app.module'),
    ) as typeof import('../apps/api/src/app.module');
    const { createOpenApiDocument } = require(
      join(BUILD, 'apps/api/src/openapi/openapi-document'),
    ) as typeof import('../apps/api/src/openapi/openapi-document');
    /* eslint-enable @typescript-eslint/no-require-imports */
    // Never connected (preview mode); the values only satisfy the configuration's validation.
    const config = loadAppConfig({
      MONGODB_URI: 'mongodb://127.0.0.1:1/openapi',
      SECRETS_KEY: Buffer.alloc(32).toString('base64'),
      AUTH_DISABLED: 'true',
    });
    const app = await NestFactory.create(AppModule.forRoot(config), {
      preview: true,
      logger: false,
      abortOnError: false,
    });
    try {
      return createOpenApiDocument(app);
    } finally {
      await app.close();
    }
  } finally {
    unregister();
  }
}

async function generate(): Promise<string> {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const document = await openApiDocument();
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0], { alphabetize: true });
  const header = [
    '/**',
    " * Generated by `npm run web:api-types` (scripts/generate-api-types.ts) from the API's OpenAPI document",
    " * (/api/docs-json). Do not edit: change the API's DTOs and decorators, then generate again.",
    ' */',
    '',
  ].join('\n');
  return format(header + astToString(ast), { ...(await resolveConfig(OUT)), filepath: OUT });
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const fresh = await generate();
  rmSync(BUILD, { recursive: true, force: true });
  const name = relative(ROOT, OUT);
  if (check) {
    let current = '';
    try {
      current = readFileSync(OUT, 'utf8');
    } catch {
      current = '';
    }
    if (current !== fresh) {
      console.error(
        `${name} is not what the API's OpenAPI document generates: run \`npm run web:api-types\` and commit it.`,
      );
      process.exit(1);
    }
    console.log(`${name} matches the API's OpenAPI document.`);
    return;
  }
  mkdirSync(join(OUT, '..'), { recursive: true });
  writeFileSync(OUT, fresh);
  console.log(`wrote ${name}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
