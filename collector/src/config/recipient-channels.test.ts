import { recipientChannels } from './recipient-channels';

describe('recipientChannels', () => {
  it('lists the channels a recipient has an address for, phone meaning sms', () => {
    expect(recipientChannels({ channels: { email: 'a@b.example', phone: '+12125550100', ntfy: { topic: 't' } } })).toEqual(['email', 'sms', 'ntfy']);
    expect(recipientChannels({ channels: { slack: { channel: '#x' }, push: ['sub-1'] } })).toEqual(['slack', 'push']);
  });
});
