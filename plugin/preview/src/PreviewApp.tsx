import React, { useEffect, useMemo, useState } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert as AlertBox, useStyles2 } from '@grafana/ui';
import { CollectorClient } from '../../src/collector/collector-client';
import { CollectorProvider } from '../../src/collector/CollectorContext';
import { fetchTransport } from '../../src/collector/fetch-transport';
import { useCollectorQuery } from '../../src/collector/useCollectorQuery';
import AlertsPage from '../../src/pages/Alerts/AlertsPage';
import EscalationPage from '../../src/pages/Escalation/EscalationPage';
import HealthPage from '../../src/pages/Health/HealthPage';
import KpiCatalogPage from '../../src/pages/KpiCatalog/KpiCatalogPage';
import { testIds } from '../../src/testIds';
import { ExecutiveOverview } from './ExecutiveOverview';
import { parseRoute, type PreviewRoute } from './hash-route';
import { KpiDetail } from './KpiDetail';
import { collectorNow } from './kpi-frames';

const NAV: Array<{ hash: string; label: string; views: Array<PreviewRoute['view']> }> = [
  { hash: '#/', label: 'Overview', views: ['overview', 'kpi'] },
  { hash: '#/alerts', label: 'Alerts', views: ['alerts'] },
  { hash: '#/kpis', label: 'KPI catalog', views: ['kpis'] },
  { hash: '#/escalation', label: 'Escalation', views: ['escalation'] },
  { hash: '#/health', label: 'Health', views: ['health'] },
];

function useHashRoute(): PreviewRoute {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => {
      setRoute(parseRoute(window.location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/**
 * The preview of finmon's dashboards and app pages without Grafana: the real panels and pages,
 * talking straight to the collector that serves this page (same origin) with the user's token.
 */
export function PreviewApp(props: { token: string; onForgetToken: () => void }) {
  const client = useMemo(() => new CollectorClient(fetchTransport({ baseUrl: '', token: props.token })), [props.token]);
  return (
    <CollectorProvider client={client} identity={{ name: 'preview' }}>
      <PreviewShell onForgetToken={props.onForgetToken} client={client} />
    </CollectorProvider>
  );
}

function PreviewShell(props: { client: CollectorClient; onForgetToken: () => void }) {
  const styles = useStyles2(getStyles);
  const route = useHashRoute();
  const catalog = useCollectorQuery(() => props.client.kpis(), [props.client], 60_000);
  const kpis = catalog.value?.kpis ?? [];
  const now = catalog.value ? collectorNow(kpis, Date.now()) : 0;
  return (
    <div className={styles.shell} data-testid={testIds.preview.root}>
      <header className={styles.header}>
        <strong className={styles.brand}>finmon{catalog.value ? ` · ${catalog.value.company.name}` : ''}</strong>
        <nav className={styles.nav} data-testid={testIds.preview.nav} aria-label="Views">
          {NAV.map((item) => (
            <a
              key={item.hash}
              href={item.hash}
              className={cx(styles.navLink, item.views.includes(route.view) && styles.active)}
            >
              {item.label}
            </a>
          ))}
          <button type="button" className={styles.navLink} onClick={props.onForgetToken}>
            Sign out
          </button>
        </nav>
      </header>
      <main className={styles.main}>
        {catalog.error && (
          <AlertBox severity="error" title="The collector did not answer" data-testid={testIds.preview.error}>
            {catalog.error.message}
          </AlertBox>
        )}
        {catalog.value && route.view === 'overview' && <ExecutiveOverview kpis={kpis} now={now} />}
        {catalog.value && route.view === 'kpi' && (
          <KpiDetail key={route.kpi} kpiId={route.kpi} kpi={kpis.find((k) => k.id === route.kpi)} now={now} />
        )}
        {route.view === 'alerts' && <AlertsPage />}
        {route.view === 'kpis' && <KpiCatalogPage />}
        {route.view === 'escalation' && <EscalationPage />}
        {route.view === 'health' && <HealthPage />}
      </main>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  shell: css({ minHeight: '100vh', background: theme.colors.background.canvas, color: theme.colors.text.primary }),
  header: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 2),
    background: theme.colors.background.primary,
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  brand: css({ fontSize: theme.typography.h5.fontSize }),
  nav: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) }),
  navLink: css({
    padding: theme.spacing(0.5, 1),
    borderRadius: theme.shape.radius.default,
    color: theme.colors.text.secondary,
    background: 'none',
    border: 'none',
    textDecoration: 'none',
    cursor: 'pointer',
    font: 'inherit',
    '&:hover': { background: theme.colors.action.hover, color: theme.colors.text.primary },
  }),
  active: css({ color: theme.colors.text.primary, background: theme.colors.action.selected }),
  main: css({ padding: theme.spacing(2), maxWidth: 1600, margin: '0 auto', minWidth: 0 }),
});
