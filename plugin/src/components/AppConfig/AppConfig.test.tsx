import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { PluginType } from '@grafana/data';
import { testIds } from '../../testIds';
import AppConfig, { type AppConfigProps } from './AppConfig';

function props(jsonData: Record<string, unknown>, secureJsonFields: Record<string, boolean> = {}): AppConfigProps {
  return {
    plugin: {
      meta: { id: 'finmon-kpi-app', name: 'finmon', type: PluginType.app, enabled: true, jsonData, secureJsonFields },
    },
    query: {},
  } as unknown as AppConfigProps;
}

describe('AppConfig', () => {
  it('needs a valid collector URL and a token before saving', () => {
    render(<AppConfig {...props({})} />);
    const save = screen.getByTestId(testIds.appConfig.submit);
    expect(save).toBeDisabled();
    fireEvent.change(screen.getByTestId(testIds.appConfig.collectorUrl), {
      target: { value: 'http://collector:8080/?token=x' },
    });
    expect(screen.getByText(/takes no query/)).toBeInTheDocument();
    expect(save).toBeDisabled();
    fireEvent.change(screen.getByTestId(testIds.appConfig.collectorUrl), {
      target: { value: 'http://collector:8080' },
    });
    expect(save).toBeDisabled();
    fireEvent.change(screen.getByTestId(testIds.appConfig.collectorToken), { target: { value: 'fm_abc' } });
    expect(save).toBeEnabled();
  });

  it('shows a saved token as configured without revealing it, and the saved URL', () => {
    render(<AppConfig {...props({ collectorUrl: 'http://collector:8080' }, { collectorToken: true })} />);
    expect(screen.getByTestId(testIds.appConfig.collectorUrl)).toHaveValue('http://collector:8080');
    expect(screen.getByTestId(testIds.appConfig.submit)).toBeEnabled();
    expect(screen.getByDisplayValue('configured')).toBeDisabled();
  });
});
