/**
 * One jest run for everything: unit specs (*.spec.ts), integration specs against real FerretDB
 * (*.int-spec.ts) and e2e specs over HTTP (test/*.e2e-spec.ts). The global setup starts FerretDB
 * unless MONGODB_URI points at a database already.
 */
const aliases = ['common', 'cml-client', 'workers', 'labs', 'dev-infra', 'cloud-events', 'telemetry', 'notifications'];
const moduleNameMapper = {};
for (const lib of aliases) {
  moduleNameMapper[`^@app/${lib}$`] = `<rootDir>/libs/${lib}/src`;
  moduleNameMapper[`^@app/${lib}/(.*)$`] = `<rootDir>/libs/${lib}/src/$1`;
}
moduleNameMapper['^@app/cml-simulator$'] = '<rootDir>/apps/cml-simulator/src';
moduleNameMapper['^@app/cml-simulator/(.*)$'] = '<rootDir>/apps/cml-simulator/src/$1';

module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: '.*\\.(spec|int-spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.tools/', '/apps/web/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper,
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
