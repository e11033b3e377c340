import React, { type ReactElement } from 'react';
import { render } from '@testing-library/react';
import { CollectorClient } from '../collector-client';
import { CollectorProvider } from '../CollectorContext';
import type { FakeCollector } from './fake-collector';

/** Renders a page with the fake collector behind its client. */
export function renderWithCollector(fake: FakeCollector, page: ReactElement) {
  return render(
    <CollectorProvider client={new CollectorClient(fake)} identity={{ name: 'tester' }}>
      {page}
    </CollectorProvider>
  );
}
