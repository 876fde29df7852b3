#!/usr/bin/env node
'use strict';
// `npx cml-labs ...`: the compiled CLI (npm run build: dist/apps/cli), or, in a checkout that has not been
// built, the TypeScript sources through ts-node (transpile only), so it works in a dev checkout too.
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const compiled = path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

if (existsSync(compiled) && process.env.CML_LABS_CLI_FROM_SOURCE !== '1') {
  require(compiled);
} else {
  const project = path.join(root, 'tsconfig.json');
  require('ts-node').register({ project, transpileOnly: true });
  const { compilerOptions } = JSON.parse(readFileSync(project, 'utf8'));
  require('tsconfig-paths').register({ baseUrl: root, paths: compilerOptions.paths });
  require(path.join(root, 'apps', 'cli', 'src', 'main.ts'));
}
