/** One jest run over the collector's unit tests (beside their modules) and the system tests in test/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/collector/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  testTimeout: 60000,
};
