/** One jest run over the collector's unit tests (beside their modules) and the system tests in test/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/collector/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  testTimeout: 60000,
  // Test schemas in PostgreSQL are dropped before and after the run, never during it (see the file).
  globalSetup: '<rootDir>/test/support/drop-test-schemas.js',
  globalTeardown: '<rootDir>/test/support/drop-test-schemas.js',
};
