import type { Alert } from '../alerting/alert-model';
import { alert } from '../consolidation/test-support/alert-fixtures';
import { Directory } from './directory';
import { matchRoutes } from './routing';
import { testSettings } from './test-support/settings-fixture';

const settings = testSettings();
const keys = (alerts: Alert[]) => matchRoutes(alerts, settings.routing).map((r) => r.key);

describe('matchRoutes', () => {
  it.each<[string, Alert[], string[]]>([
    ['a critical treasury alert escalates (continue) and nothing else matches', [alert({ severity: 'critical' })], ['critical-treasury']],
    ['a treasury warning goes to the treasury role', [alert({ severity: 'warning' })], ['treasury-warnings']],
    ['a covenant critical: escalation and the CFO', [alert({ kpi: 'debt_to_ebitda', severity: 'critical' })], ['critical-treasury', 'covenants']],
    ['a system alert of the SRE team: on call, then the SRE policy (which stops)', [alert({ category: 'system', labels: { team: 'sre' } })], ['system', 'sre']],
    ['nothing matches: the default', [alert({ severity: 'warning', labels: { team: 'fpa' } })], ['default']],
    ['an alert without a team label never matches a team route', [alert({ severity: 'critical', labels: { team: '' } })], ['default']],
    ['one alert of an incident is enough; each route needs one alert matching all its fields', [alert({ severity: 'critical', labels: { team: 'fpa' } }), alert({ severity: 'warning', fingerprint: 'w' })], ['treasury-warnings']],
  ])('%s', (_, alerts, expected) => {
    expect(keys(alerts)).toEqual(expected);
  });

  it('names routes without a name by their position', () => {
    const unnamed = testSettings((s) => void delete s.routing.routes[4].name);
    expect(matchRoutes([alert({ severity: 'warning' })], unnamed.routing).map((r) => r.key)).toEqual(['routes[4]']);
  });

  it('hands over receivers, policy and channels', () => {
    expect(matchRoutes([alert({ kpi: 'debt_to_ebitda', severity: 'warning' })], settings.routing)).toEqual([
      { key: 'covenants', receivers: { recipients: ['dana'] }, channels: ['email'] },
      { key: 'treasury-warnings', receivers: { roles: ['treasury'] }, channels: ['email'] },
    ]);
  });
});

describe('Directory', () => {
  const directory = new Directory(settings);
  it('resolves recipients, roles and schedules once each, in the order named', () => {
    expect(directory.resolve({ recipients: ['dana', 'ghost'], roles: ['executive', 'treasury'], schedules: ['sre-primary'] }, Date.UTC(2025, 0, 14))).toEqual([
      'dana',
      'marcus',
      'priya',
      'tomas',
      'jordan',
    ]);
  });
});
