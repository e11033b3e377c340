import React, { type ChangeEvent, type FormEvent, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import type { AppPluginMeta, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Alert as AlertBox, Button, Field, FieldSet, Input, SecretInput } from '@grafana/ui';
import { testIds } from '../../testIds';
import { validateCollectorUrl } from './collector-url';

/** The app's settings: jsonData holds the collector's URL; the token lives only in secureJsonData. */
export interface AppSettings {
  collectorUrl?: string;
}

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

/**
 * Configuration page: the collector's base URL and its API token. The token is written to
 * secureJsonData (encrypted by Grafana, never sent back to the browser); Grafana's proxy adds it
 * to every call of the app's `collector` route.
 */
const AppConfig = ({ plugin }: AppConfigProps) => {
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const [collectorUrl, setCollectorUrl] = useState(jsonData?.collectorUrl ?? '');
  const [token, setToken] = useState('');
  const [tokenSet, setTokenSet] = useState(Boolean(secureJsonFields?.collectorToken));
  const [error, setError] = useState<string | undefined>();

  const urlProblem = validateCollectorUrl(collectorUrl);
  const disabled = urlProblem !== undefined || (!tokenSet && token === '');

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (disabled) {
      return;
    }
    try {
      await updatePlugin(plugin.meta.id, {
        enabled,
        pinned,
        jsonData: { collectorUrl: collectorUrl.replace(/\/+$/, '') },
        // Left out when unchanged, so a saved token is not overwritten with nothing.
        secureJsonData: tokenSet ? undefined : { collectorToken: token },
      });
      window.location.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'saving the settings failed');
    }
  };

  return (
    <form onSubmit={onSubmit}>
      <FieldSet label="Collector">
        <Field
          label="Collector URL"
          description="Base URL of the finmon collector API, as Grafana's server reaches it"
          invalid={collectorUrl !== '' && urlProblem !== undefined}
          error={urlProblem}
        >
          <Input
            width={60}
            id="finmon-collector-url"
            name="collectorUrl"
            data-testid={testIds.appConfig.collectorUrl}
            value={collectorUrl}
            placeholder="http://collector:8080"
            onChange={(e: ChangeEvent<HTMLInputElement>) => setCollectorUrl(e.target.value.trim())}
          />
        </Field>
        <Field
          label="API token"
          description="A collector token with the read and respond scopes; stored encrypted, never shown again"
        >
          <SecretInput
            width={60}
            id="finmon-collector-token"
            name="collectorToken"
            data-testid={testIds.appConfig.collectorToken}
            value={token}
            isConfigured={tokenSet}
            placeholder="fm_…"
            onChange={(e: ChangeEvent<HTMLInputElement>) => setToken(e.target.value.trim())}
            onReset={() => {
              setToken('');
              setTokenSet(false);
            }}
          />
        </Field>
        {error && (
          <AlertBox severity="error" title="Not saved">
            {error}
          </AlertBox>
        )}
        <Button type="submit" data-testid={testIds.appConfig.submit} disabled={disabled}>
          Save collector settings
        </Button>
      </FieldSet>
    </form>
  );
};

export default AppConfig;

async function updatePlugin(pluginId: string, data: Partial<PluginMeta<AppSettings>>) {
  return lastValueFrom(getBackendSrv().fetch({ url: `/api/plugins/${pluginId}/settings`, method: 'POST', data }));
}
