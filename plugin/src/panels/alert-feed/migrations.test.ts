import type { PanelModel } from '@grafana/data';
import { DEFAULT_ALERT_FEED_OPTIONS } from './constants';
import { migrateAlertFeedOptions } from './migrations';

const panel = (options: Record<string, unknown>) =>
  ({ id: 1, options, fieldConfig: { defaults: {}, overrides: [] } }) as unknown as PanelModel;

describe('migrateAlertFeedOptions', () => {
  it('fills defaults for a new panel', () => {
    expect(migrateAlertFeedOptions(panel({}))).toEqual(DEFAULT_ALERT_FEED_OPTIONS);
  });

  it('turns single values into lists and drops unknown severities and categories', () => {
    expect(
      migrateAlertFeedOptions(
        panel({ severities: 'critical', categories: ['market', 'weather'], kpis: 'revenue', limit: 10 })
      )
    ).toEqual({
      ...DEFAULT_ALERT_FEED_OPTIONS,
      severities: ['critical'],
      categories: ['market'],
      kpis: ['revenue'],
      limit: 10,
    });
  });
});
