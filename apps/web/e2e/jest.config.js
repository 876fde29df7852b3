/**
 * `npm run test:web-e2e`: the console in Debian's Chromium against the real stack (./stack.ts). Separate from the
 * root jest run (which ignores apps/web/) because it needs the built console and a browser.
 */
const base = require('../../../jest.config.js');

module.exports = {
  ...base,
  rootDir: '../../..',
  roots: ['<rootDir>/apps/web/e2e'],
  testRegex: '.*\\.e2e\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/apps/web/e2e/tsconfig.json' }] },
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 120000,
  maxWorkers: 1,
};
