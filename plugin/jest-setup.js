// Jest setup provided by Grafana scaffolding, for the jsdom tests; tests that declare
// `@jest-environment node` (real HTTP servers) have no DOM to set up.
if (typeof window !== 'undefined') {
  require('./.config/jest-setup');
}
