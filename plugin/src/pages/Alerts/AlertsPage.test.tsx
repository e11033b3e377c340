import React from 'react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { CollectorError } from '../../collector/collector-transport';
import type { Incident } from '../../collector/collector-types';
import { FakeCollector, makeAlert } from '../../collector/test-support/fake-collector';
import { renderWithCollector } from '../../collector/test-support/render-with-collector';
import { testIds } from '../../testIds';
import { AlertsPage } from './AlertsPage';

const T = Date.UTC(2026, 2, 1, 9);

function incident(id: string, over: Partial<Incident> = {}): Incident {
  const alerts = [
    makeAlert(`${id}-1`, { series: { account: 'ops-usd' }, summary: `${id} first` }),
    makeAlert(`${id}-2`, { series: { account: 'payroll-usd' }, summary: `${id} second` }),
  ];
  return {
    id,
    groupKey: `kpi=cash_position`,
    title: `Incident ${id}`,
    severity: 'critical',
    category: 'financial',
    alertClass: 'critical',
    priority: 80,
    state: 'firing',
    alerts,
    kpis: ['cash_position'],
    openedAt: T,
    updatedAt: T,
    ...over,
  };
}

function fake() {
  return new FakeCollector({
    incidents: [
      incident('low', { priority: 10, title: 'Low priority' }),
      incident('cash'),
      incident('old', { state: 'resolved', title: 'Old one' }),
    ],
    details: {
      cash: {
        escalation: { policy: 'treasury-critical', level: 1, nextAt: T + 1_800_000, paged: ['cfo', 'treasurer'] },
        history: [
          {
            fingerprint: 'cash-1',
            from: null,
            to: 'pending',
            at: T,
            actor: { kind: 'system', name: 'rules' },
            reason: 'value below 4M',
          },
          {
            fingerprint: 'cash-1',
            from: 'pending',
            to: 'firing',
            at: T + 60_000,
            actor: { kind: 'system', name: 'rules' },
            reason: 'for 1m',
          },
        ],
      },
    },
  });
}

describe('AlertsPage', () => {
  it('lists open incidents by priority and shows the first one’s escalation and timeline', async () => {
    renderWithCollector(fake(), <AlertsPage />);
    const escalation = await screen.findByTestId(testIds.alertsPage.escalation);
    expect(screen.getByTestId(testIds.alertsPage.incident('cash'))).toBeInTheDocument();
    expect(screen.getByTestId(testIds.alertsPage.incident('low'))).toBeInTheDocument();
    expect(screen.queryByText('Old one')).not.toBeInTheDocument();
    expect(escalation).toHaveTextContent('treasury-critical');
    expect(escalation).toHaveTextContent('Level2');
    expect(escalation).toHaveTextContent('cfo, treasurer');
    const timeline = screen.getByTestId(testIds.alertsPage.timeline);
    expect(
      within(timeline)
        .getAllByRole('listitem')
        .map((li) => li.textContent)
    ).toEqual([expect.stringContaining('pending → firing'), expect.stringContaining('new → pending')]);
  });

  it('shows resolved incidents under All and another incident when selected', async () => {
    renderWithCollector(fake(), <AlertsPage />);
    await screen.findByTestId(testIds.alertsPage.escalation);
    fireEvent.click(screen.getByLabelText('All'));
    expect(await screen.findByText('Old one')).toBeInTheDocument();
    fireEvent.click(screen.getByTestId(testIds.alertsPage.incident('low')));
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Low priority' })).toBeInTheDocument());
    expect(screen.getByTestId(testIds.alertsPage.escalation)).toHaveTextContent('nobody yet');
  });

  it('acknowledges, resolves and silences the selected incident through the collector', async () => {
    const collector = fake();
    renderWithCollector(collector, <AlertsPage />);
    fireEvent.click(await screen.findByTestId(testIds.alertsPage.acknowledge('cash')));
    await waitFor(() =>
      expect(screen.getByTestId(testIds.alertsPage.incidentState('cash'))).toHaveTextContent('acknowledged')
    );
    expect(screen.getByTestId(testIds.alertsPage.acknowledge('cash'))).toBeDisabled();

    fireEvent.click(screen.getByTestId(testIds.alertsPage.silence('cash')));
    await waitFor(() => expect(collector.state.silences).toHaveLength(1));
    // the two alerts differ in account: the silence matches what they share
    expect(collector.state.silences[0]!.matchers).toEqual([
      { name: 'kpi', value: 'cash_position', op: '=' },
      { name: 'rule', value: 'cash-warning', op: '=' },
    ]);

    fireEvent.click(screen.getByTestId(testIds.alertsPage.resolve('cash')));
    await waitFor(() => expect(collector.state.incidents.find((i) => i.id === 'cash')!.state).toBe('resolved'));
    expect(collector.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      '/api/v1/incidents/cash/ack',
      '/api/v1/silences',
      '/api/v1/incidents/cash/resolve',
    ]);
  });

  it('says when the incidents cannot be loaded', async () => {
    const collector = new FakeCollector();
    collector.failing.set(
      'GET /api/v1/incidents',
      new CollectorError(404, 'NOT_FOUND', 'GET /api/v1/incidents: no such route')
    );
    renderWithCollector(collector, <AlertsPage />);
    expect(await screen.findByTestId(testIds.alertsPage.error)).toHaveTextContent('no such route');
  });
});
