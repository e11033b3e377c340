import { incidentStateStoreContract } from '../../escalation/test-support/incident-state-store-contract';
import { ReplayIncidentStateStore } from './replay-incident-state-store';

describe('ReplayIncidentStateStore', () => {
  incidentStateStoreContract(async () => ({ store: new ReplayIncidentStateStore(), dispose: async () => {} }));
});
