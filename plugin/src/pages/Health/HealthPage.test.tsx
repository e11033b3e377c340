import React from 'react';
import { screen } from '@testing-library/react';
import { FakeCollector } from '../../collector/test-support/fake-collector';
import { renderWithCollector } from '../../collector/test-support/render-with-collector';
import { testIds } from '../../testIds';
import { HealthPage } from './HealthPage';

describe('HealthPage', () => {
  it('shows status, spool depth, shipping, sources with their last data, and delivery failures', async () => {
    const fake = new FakeCollector({
      health: {
        status: 'ok',
        storage: {
          influxUrl: 'http://127.0.0.1:8086',
          database: 'finmon',
          spool: { records: 12, bytes: 3400, segments: 1 },
          writer: {
            shippedPoints: 98765,
            retries: 3,
            rejectedRecords: 0,
            lagMs: 250,
            outage: true,
            inFlightBatches: 1,
            lastError: { code: 'INFLUX_UNAVAILABLE', message: 'connect ECONNREFUSED', atMs: Date.now() },
          },
        },
        ingest: { acceptedPoints: 1000, computedPoints: 400 },
        configuration: { generation: 3, loadedAt: new Date().toISOString(), lastError: null },
        sources: [
          {
            name: 'bank',
            lastSuccessAt: Date.now() - 60_000,
            lastError: 'timeout',
            errorStreak: 2,
            runs: 10,
            failures: 2,
          },
          { name: 'market', lastSuccessAt: Date.now(), lastError: null, errorStreak: 0, runs: 5, failures: 0 },
        ],
        notifications: { outbox: { pending: 0, sent: 12, dead: 4 }, breakers: { sms: 'open' } },
      },
    });
    renderWithCollector(fake, <HealthPage />);
    expect(await screen.findByTestId(testIds.healthPage.status)).toHaveTextContent('ok');
    expect(screen.getByTestId(testIds.healthPage.spool)).toHaveTextContent('Records waiting12');
    expect(screen.getByTestId(testIds.healthPage.writer)).toHaveTextContent('Outageyes');
    expect(screen.getByTestId(testIds.healthPage.writer)).toHaveTextContent('INFLUX_UNAVAILABLE: connect ECONNREFUSED');
    expect(screen.getByTestId(testIds.healthPage.source('bank'))).toHaveTextContent('failing (2 in a row)');
    expect(screen.getByTestId(testIds.healthPage.source('bank'))).toHaveTextContent('timeout');
    expect(screen.getByTestId(testIds.healthPage.source('market'))).toHaveTextContent('ok');
    expect(screen.getByTestId(testIds.healthPage.deliveries)).toHaveTextContent('outbox.dead4');
    expect(screen.getByTestId(testIds.healthPage.deliveries)).toHaveTextContent('breakers.smsopen');
    expect(fake.requests).toEqual([{ method: 'GET', path: '/api/v1/health', body: undefined }]);
  });

  it('says when the collector reports no delivery figures and no sources', async () => {
    renderWithCollector(new FakeCollector({ health: { status: 'starting' } }), <HealthPage />);
    expect(await screen.findByTestId(testIds.healthPage.status)).toHaveTextContent('starting');
    expect(screen.getByTestId(testIds.healthPage.deliveries)).toHaveTextContent('no delivery figures');
    expect(screen.getByText('No pulled sources are scheduled.')).toBeInTheDocument();
  });
});
