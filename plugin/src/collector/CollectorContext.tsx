import React, { createContext, useContext, useMemo, type ReactNode } from 'react';
import { config } from '@grafana/runtime';
import { CollectorClient } from './collector-client';
import { grafanaProxyTransport } from './grafana-proxy-transport';

/** Who acts: shown as the silence's creator and sent with acknowledgements. */
export interface CollectorIdentity {
  name: string;
}

interface CollectorContextValue {
  client: CollectorClient;
  identity: CollectorIdentity;
}

let defaultValue: CollectorContextValue | undefined;

/** Inside Grafana: the proxied route and the signed-in user (created on first use). */
function grafanaDefault(): CollectorContextValue {
  if (!defaultValue) {
    const login = config.bootData?.user?.login;
    defaultValue = {
      client: new CollectorClient(grafanaProxyTransport()),
      identity: { name: login ? `grafana:${login}` : 'grafana' },
    };
  }
  return defaultValue;
}

const CollectorContext = createContext<CollectorContextValue | undefined>(undefined);

/** Gives the panels and pages below it a collector client (the preview page and tests use this). */
export function CollectorProvider(props: {
  client: CollectorClient;
  identity?: CollectorIdentity;
  children: ReactNode;
}) {
  const { client, identity, children } = props;
  const value = useMemo(() => ({ client, identity: identity ?? { name: 'preview' } }), [client, identity]);
  return <CollectorContext.Provider value={value}>{children}</CollectorContext.Provider>;
}

/** The client of the nearest CollectorProvider, else the one that goes through Grafana's proxy. */
export function useCollector(): CollectorContextValue {
  return useContext(CollectorContext) ?? grafanaDefault();
}
