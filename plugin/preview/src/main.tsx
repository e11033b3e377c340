import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { injectGlobal } from '@emotion/css';
import { createTheme, type GrafanaTheme2 } from '@grafana/data';
import { ThemeContext } from '@grafana/ui';
import { tokenFromHash } from './hash-route';
import { PreviewApp } from './PreviewApp';
import { TokenForm } from './TokenForm';

const STORAGE_KEY = 'finmon-preview-token';

/**
 * Takes the token from the fragment (`#token=…`, never sent to a server) once, keeps it in this
 * tab's sessionStorage, and removes it from the address bar and history.
 */
function initialToken(): string | undefined {
  const fromHash = tokenFromHash(window.location.hash);
  if (fromHash) {
    sessionStorage.setItem(STORAGE_KEY, fromHash);
    window.history.replaceState(null, '', `${window.location.pathname}#/`);
    return fromHash;
  }
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

const theme = createTheme({ colors: { mode: 'light' } });

/**
 * The page-wide styles Grafana's own shell would give (Grafana's GlobalStyles also load the Inter
 * web font from Grafana's server, which is not here; the theme's fallback fonts are used).
 */
function applyGlobalStyles(t: GrafanaTheme2): void {
  injectGlobal({
    '*, *::before, *::after': { boxSizing: 'border-box' },
    'html, body': { margin: 0, padding: 0 },
    body: {
      fontFamily: t.typography.fontFamily,
      fontSize: t.typography.body.fontSize,
      lineHeight: t.typography.body.lineHeight,
      color: t.colors.text.primary,
      background: t.colors.background.canvas,
    },
    a: { color: t.colors.text.link, textDecoration: 'none' },
  });
}

function Root() {
  const [token, setToken] = useState(initialToken);
  return (
    <ThemeContext.Provider value={theme}>
      {token ? (
        <PreviewApp
          token={token}
          onForgetToken={() => {
            sessionStorage.removeItem(STORAGE_KEY);
            setToken(undefined);
          }}
        />
      ) : (
        <TokenForm
          onToken={(t) => {
            sessionStorage.setItem(STORAGE_KEY, t);
            setToken(t);
          }}
        />
      )}
    </ThemeContext.Provider>
  );
}

applyGlobalStyles(theme);
createRoot(document.getElementById('root')!).render(<Root />);
