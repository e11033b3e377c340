// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');

/**
 * The scaffold's jest config, extended: swc also transforms the `.mjs` files of Grafana's ESM-only
 * dependencies (d3-color…), and the preview's own modules are tested too.
 */
module.exports = {
  ...base,
  testMatch: [...base.testMatch, '<rootDir>/preview/**/*.test.{ts,tsx}'],
  transform: {
    '^.+\\.(t|j)sx?$': base.transform['^.+\\.(t|j)sx?$'],
    '^.+\\.mjs$': base.transform['^.+\\.(t|j)sx?$'],
  },
};
