import { grafanaUnitFor } from './grafana-unit';

describe('grafanaUnitFor', () => {
  it.each([
    ['USD', 'currencyUSD'],
    ['EUR', 'currencyEUR'],
    ['USD/month', 'currencyUSD'],
    ['XAU', 'suffix: XAU'],
    ['%', 'percent'],
    ['ms', 'ms'],
    ['count', 'short'],
    ['days', 'suffix: days'],
    ['x/yr', 'suffix: x/yr'],
  ])('%s → %s', (unit, grafana) => {
    expect(grafanaUnitFor(unit)).toBe(grafana);
  });
});
