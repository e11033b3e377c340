import React from 'react';
import { screen, waitFor } from '@testing-library/react';
import { CollectorError } from '../../collector/collector-transport';
import { FakeCollector } from '../../collector/test-support/fake-collector';
import { renderWithCollector } from '../../collector/test-support/render-with-collector';
import { testIds } from '../../testIds';
import { EscalationPage } from './EscalationPage';

describe('EscalationPage', () => {
  it('shows who is on which level of each open incident, highest level first', async () => {
    const fake = new FakeCollector({
      escalations: [
        {
          incidentId: 'inc-1',
          title: 'Revenue behind target',
          severity: 'warning',
          policy: 'finance',
          policyName: 'Finance team',
          level: 0,
          targets: ['controller'],
          channels: ['email'],
          nextAt: Date.UTC(2026, 2, 1, 10),
        },
        {
          incidentId: 'inc-2',
          title: 'Cash critical',
          severity: 'critical',
          policy: 'treasury-critical',
          status: 'exhausted',
          level: 2,
          targets: ['treasurer', 'cfo', 'ceo'],
        },
      ],
    });
    renderWithCollector(fake, <EscalationPage />);
    const cash = await screen.findByTestId(testIds.escalationPage.row('inc-2'));
    expect(cash).toHaveTextContent('Level3');
    expect(cash).toHaveTextContent('treasurer, cfo, ceo');
    expect(cash).toHaveTextContent('last level');
    const revenue = screen.getByTestId(testIds.escalationPage.row('inc-1'));
    expect(revenue).toHaveTextContent('Level1');
    expect(revenue).toHaveTextContent('controller');
    expect(revenue).toHaveTextContent('Finance team');
    expect(revenue).toHaveTextContent('Channelsemail');
    expect(cash).toHaveTextContent('escalation exhausted');
    expect(screen.getAllByRole('article').map((a) => a.getAttribute('data-testid'))).toEqual([
      testIds.escalationPage.row('inc-2'),
      testIds.escalationPage.row('inc-1'),
    ]);
  });

  it('says so when nothing escalates, and when the collector cannot answer', async () => {
    const { unmount } = renderWithCollector(new FakeCollector(), <EscalationPage />);
    expect(await screen.findByText('No open incident is escalating.')).toBeInTheDocument();
    unmount();
    const broken = new FakeCollector();
    broken.failing.set(
      'GET /api/v1/escalations',
      new CollectorError(502, 'HTTP_502', 'GET /api/v1/escalations answered 502')
    );
    renderWithCollector(broken, <EscalationPage />);
    await waitFor(() => expect(screen.getByTestId(testIds.escalationPage.root)).toHaveTextContent('answered 502'));
  });
});
