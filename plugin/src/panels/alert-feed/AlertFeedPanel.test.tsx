import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { CollectorClient } from '../../collector/collector-client';
import { CollectorProvider } from '../../collector/CollectorContext';
import { CollectorError } from '../../collector/collector-transport';
import { FakeCollector, makeAlert } from '../../collector/test-support/fake-collector';
import { testIds } from '../../testIds';
import { panelProps } from '../test-support/panel-props';
import { AlertFeedPanel } from './AlertFeedPanel';
import { DEFAULT_ALERT_FEED_OPTIONS } from './constants';
import type { AlertFeedOptions } from './types';

function setup(fake: FakeCollector, over: Partial<AlertFeedOptions> = {}) {
  const options = { ...DEFAULT_ALERT_FEED_OPTIONS, refreshSeconds: 0, ...over };
  return render(
    <CollectorProvider client={new CollectorClient(fake)} identity={{ name: 'tester' }}>
      <AlertFeedPanel {...panelProps(options, [], {}, { width: 600, height: 600 })} />
    </CollectorProvider>
  );
}

const cashLow = makeAlert('cash-low', {
  severity: 'critical',
  kpi: 'cash_position',
  ruleId: 'cash-critical',
  labels: { kpi: 'cash_position', rule: 'cash-critical' },
  summary: 'Cash position 3.8M USD is below 4M USD',
});
const churn = makeAlert('churn', {
  severity: 'warning',
  category: 'operational',
  kpi: 'churn_rate',
  ruleId: 'churn-high',
  summary: 'Churn 2.4 % above 2 %',
});
const oldOne = makeAlert('gone', { state: 'resolved', summary: 'resolved one' });

function fakeCollector() {
  return new FakeCollector({
    alerts: [churn, cashLow, oldOne],
    events: [
      {
        time: Date.UTC(2026, 2, 1, 9),
        title: 'Cash position below 4M',
        severity: 'critical',
        category: 'financial',
        kpi: 'cash_position',
      },
      {
        time: Date.UTC(2026, 2, 1, 10),
        title: 'Churn above 2 %',
        severity: 'warning',
        category: 'operational',
        kpi: 'churn_rate',
      },
    ],
  });
}

describe('AlertFeedPanel', () => {
  it('lists the active alerts most severe first, colour-coded, and the newest events first', async () => {
    setup(fakeCollector());
    const active = await screen.findByTestId(testIds.alertFeed.activeList);
    await waitFor(() => expect(within(active).getAllByRole('listitem')).toHaveLength(2));
    const rows = within(active).getAllByRole('listitem');
    expect(rows.map((r) => r.getAttribute('data-testid'))).toEqual([
      testIds.alertFeed.alert('cash-low'),
      testIds.alertFeed.alert('churn'),
    ]);
    expect(rows[0]).toHaveAttribute('data-severity', 'critical');
    expect(rows[0]!.style.borderLeftColor).not.toBe(rows[1]!.style.borderLeftColor);
    expect(screen.queryByText('resolved one')).not.toBeInTheDocument();
    const events = screen.getByTestId(testIds.alertFeed.eventList);
    expect(
      within(events)
        .getAllByRole('listitem')
        .map((e) => e.textContent)
    ).toEqual([expect.stringContaining('Churn above 2 %'), expect.stringContaining('Cash position below 4M')]);
  });

  it('filters alerts and events by severity and category', async () => {
    setup(fakeCollector());
    await screen.findByTestId(testIds.alertFeed.alert('churn'));
    fireEvent.click(within(screen.getByTestId(testIds.alertFeed.severityFilter)).getByText('critical'));
    expect(screen.queryByTestId(testIds.alertFeed.alert('churn'))).not.toBeInTheDocument();
    expect(screen.getByTestId(testIds.alertFeed.alert('cash-low'))).toBeInTheDocument();
    expect(within(screen.getByTestId(testIds.alertFeed.eventList)).getAllByRole('listitem')).toHaveLength(1);
    fireEvent.click(within(screen.getByTestId(testIds.alertFeed.categoryFilter)).getByText('operational'));
    expect(screen.getByTestId(testIds.alertFeed.empty)).toHaveTextContent('No active alerts');
  });

  it('starts from the filters and KPIs of the panel options', async () => {
    setup(fakeCollector(), { kpis: ['churn_rate'] });
    await screen.findByTestId(testIds.alertFeed.alert('churn'));
    expect(screen.queryByTestId(testIds.alertFeed.alert('cash-low'))).not.toBeInTheDocument();
  });

  it('acknowledges through the collector and shows the new state', async () => {
    const fake = fakeCollector();
    setup(fake);
    fireEvent.click(await screen.findByTestId(testIds.alertFeed.acknowledge('cash-low')));
    await waitFor(() =>
      expect(screen.getByTestId(testIds.alertFeed.alertState('cash-low'))).toHaveTextContent('acknowledged')
    );
    expect(fake.requests).toContainEqual({
      method: 'POST',
      path: '/api/v1/alerts/cash-low/ack',
      body: { comment: 'acknowledged from the alert feed', user: 'tester' },
    });
    expect(fake.state.alerts.find((a) => a.fingerprint === 'cash-low')!.state).toBe('acknowledged');
    expect(screen.getByTestId(testIds.alertFeed.acknowledge('cash-low'))).toBeDisabled();
  });

  it('silences the alert’s KPI, rule and series for the configured time', async () => {
    const fake = fakeCollector();
    setup(fake, { silenceDuration: '4h' });
    const button = await screen.findByTestId(testIds.alertFeed.silence('cash-low'));
    expect(button).toHaveTextContent('Silence 4h');
    fireEvent.click(button);
    await waitFor(() => expect(fake.state.silences).toHaveLength(1));
    const silence = fake.state.silences[0]!;
    expect(silence.matchers).toEqual([
      { name: 'kpi', value: 'cash_position', op: '=' },
      { name: 'rule', value: 'cash-critical', op: '=' },
    ]);
    expect(silence.endsAt - silence.startsAt).toBe(4 * 3_600_000);
    expect(silence.createdBy).toBe('tester (via test-token)');
    expect(fake.requests.find((r) => r.path === '/api/v1/silences')?.body).toMatchObject({
      duration: '4h',
      user: 'tester',
    });
    await waitFor(() =>
      expect(screen.getByTestId(testIds.alertFeed.alert('cash-low'))).toHaveTextContent('silenced until')
    );
  });

  it('shows the collector’s refusal and keeps the alert as it was', async () => {
    const fake = fakeCollector();
    fake.failing.set(
      'POST /api/v1/alerts/churn/ack',
      new CollectorError(403, 'AUTH_SCOPE', 'token lacks the respond scope')
    );
    setup(fake);
    fireEvent.click(await screen.findByTestId(testIds.alertFeed.acknowledge('churn')));
    expect(await screen.findByTestId(testIds.alertFeed.error)).toHaveTextContent('token lacks the respond scope');
    expect(screen.getByTestId(testIds.alertFeed.alertState('churn'))).toHaveTextContent('firing');
  });

  it('hides the buttons when actions are off and says when alerts cannot be loaded', async () => {
    const fake = fakeCollector();
    fake.failing.set('GET /api/v1/alerts', new CollectorError(404, 'NOT_FOUND', 'GET /api/v1/alerts: no such route'));
    setup(fake, { allowActions: false });
    expect(await screen.findByTestId(testIds.alertFeed.error)).toHaveTextContent('no such route');
    await waitFor(() =>
      expect(within(screen.getByTestId(testIds.alertFeed.eventList)).getAllByRole('listitem')).toHaveLength(2)
    );
    expect(screen.queryByText('Acknowledge')).not.toBeInTheDocument();
  });
});
