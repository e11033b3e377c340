import React, { type FormEvent, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, Field, SecretInput, useStyles2 } from '@grafana/ui';
import { testIds } from '../../src/testIds';

/** Asks for the collector token when the page was opened without one in its fragment. */
export function TokenForm(props: { onToken: (token: string) => void }) {
  const styles = useStyles2(getStyles);
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) {
      props.onToken(token.trim());
    }
  };
  return (
    <form className={styles.form} onSubmit={submit} data-testid={testIds.preview.tokenForm}>
      <h1>finmon preview</h1>
      <p>
        Paste a collector API token with the read scope (and respond, to acknowledge and silence). It stays in this
        browser tab.
      </p>
      <Field label="API token">
        <SecretInput
          id="finmon-preview-token"
          value={token}
          isConfigured={false}
          onReset={() => setToken('')}
          onChange={(e) => setToken(e.currentTarget.value)}
          data-testid={testIds.preview.tokenInput}
          autoFocus
        />
      </Field>
      <Button type="submit" disabled={!token.trim()}>
        Open dashboards
      </Button>
    </form>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({
    maxWidth: 520,
    margin: '10vh auto',
    padding: theme.spacing(3),
    background: theme.colors.background.primary,
    borderRadius: theme.shape.radius.default,
  }),
});
