import { alertFingerprint } from './alert-fingerprint';
import { alertClass, alertPriority } from './alert-priority';

describe('alertFingerprint', () => {
  it('is stable: a fixed value for fixed inputs (restarts and other processes agree)', () => {
    expect(alertFingerprint('bank_balance', 'account-low', { account: 'ops-usd', bank: 'jpm', currency: 'USD' })).toBe(
      alertFingerprint('bank_balance', 'account-low', { currency: 'USD', account: 'ops-usd', bank: 'jpm' }),
    );
    expect(alertFingerprint('cash_position', 'cash-critical', {})).toMatch(/^[0-9a-f]{16}$/);
    // SHA-256 of ["cash_position","cash-critical",[],[]], computed independently (Python hashlib).
    expect(alertFingerprint('cash_position', 'cash-critical', {})).toBe('042afdab5bb44e1d');
  });

  it.each([
    ['another KPI', ['revenue', 'r', { a: '1' }]],
    ['another rule', ['cash', 'r2', { a: '1' }]],
    ['another tag value', ['cash', 'r', { a: '2' }]],
    ['another tag name', ['cash', 'r', { b: '1' }]],
    ['a variant', ['cash', 'r', { a: '1' }, { mark: '1' }]],
    ['separators inside values', ['cash', 'r', { a: '1","b' }]],
  ] as const)('differs for %s', (_name, args) => {
    const base = alertFingerprint('cash', 'r', { a: '1' });
    expect(alertFingerprint(...(args as unknown as Parameters<typeof alertFingerprint>))).not.toBe(base);
  });
});

describe('alertPriority', () => {
  it.each([
    ['critical', 5, 100],
    ['critical', 1, 70],
    ['warning', 5, 65],
    ['warning', 3, 50],
    ['warning', 1, 35],
    ['info', 5, 30],
    ['info', 1, 0],
    ['critical', 9, 100],
    ['info', 0, 0],
  ] as const)('%s with impact %d → %d', (severity, impact, priority) => {
    expect(alertPriority(severity, impact)).toBe(priority);
  });

  it('ranks every critical above every warning above every info', () => {
    for (let a = 1; a <= 5; a++) {
      for (let b = 1; b <= 5; b++) {
        expect(alertPriority('critical', a)).toBeGreaterThan(alertPriority('warning', b));
        expect(alertPriority('warning', a)).toBeGreaterThan(alertPriority('info', b));
      }
    }
  });
});

describe('alertClass', () => {
  it.each([
    ['forecast', 'warning', 'predictive'],
    ['forecast', 'critical', 'predictive'],
    ['milestone', 'info', 'information'],
    ['static', 'info', 'information'],
    ['static', 'critical', 'critical'],
    ['nodata', 'warning', 'warning'],
    ['source_failure', 'critical', 'critical'],
  ] as const)('%s %s → %s', (origin, severity, cls) => {
    expect(alertClass(origin, severity)).toBe(cls);
  });
});
