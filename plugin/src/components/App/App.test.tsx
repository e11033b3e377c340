import React from 'react';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { CollectorClient } from '../../collector/collector-client';
import { CollectorProvider } from '../../collector/CollectorContext';
import { FakeCollector } from '../../collector/test-support/fake-collector';
import { testIds } from '../../testIds';
import App from './App';

function renderAt(path: string) {
  return render(
    <CollectorProvider client={new CollectorClient(new FakeCollector({ health: { status: 'ok' } }))}>
      <MemoryRouter initialEntries={[path]}>
        <App {...({} as AppRootProps)} />
      </MemoryRouter>
    </CollectorProvider>
  );
}

describe('App', () => {
  it.each([
    ['/alerts', testIds.alertsPage.root],
    ['/kpis', testIds.kpiCatalog.root],
    ['/escalation', testIds.escalationPage.root],
    ['/health', testIds.healthPage.root],
    ['/somewhere-else', testIds.alertsPage.root],
  ])('shows the page of %s', async (path, id) => {
    renderAt(path);
    expect(await screen.findByTestId(id)).toBeInTheDocument();
  });
});
