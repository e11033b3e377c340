import React from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { ROUTES } from '../../constants';
import AlertsPage from '../../pages/Alerts/AlertsPage';
import EscalationPage from '../../pages/Escalation/EscalationPage';
import HealthPage from '../../pages/Health/HealthPage';
import KpiCatalogPage from '../../pages/KpiCatalog/KpiCatalogPage';

/** The app's pages under /a/finmon-kpi-app/…; anything else opens Alerts. */
function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={ROUTES.Alerts} element={<AlertsPage />} />
      <Route path={ROUTES.Kpis} element={<KpiCatalogPage />} />
      <Route path={ROUTES.Escalation} element={<EscalationPage />} />
      <Route path={ROUTES.Health} element={<HealthPage />} />
      <Route path="*" element={<Navigate replace to={ROUTES.Alerts} />} />
    </Routes>
  );
}

export default App;
