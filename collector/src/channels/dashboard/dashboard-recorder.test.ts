import { parseLineProtocol } from '../../ingest/line-protocol/parse-line-protocol';
import { T0, testTransition } from '../test-support/fixtures';
import { DashboardRecorder } from './dashboard-recorder';
import { InMemoryNewsFeedStore } from './news-feed-store';

describe('DashboardRecorder', () => {
  it('appends one spool record with a line per transition and a feed entry each', async () => {
    const appended: string[] = [];
    const feed = new InMemoryNewsFeedStore();
    const recorder = new DashboardRecorder({ feed, annotations: { append: async (text) => appended.push(text) } });
    await recorder.recordAll([
      { transition: testTransition(), incidentId: 'inc-42' },
      { transition: testTransition({ from: 'firing', to: 'resolved', at: T0 + 1000 }) },
    ]);
    expect(appended).toHaveLength(1);
    const { records, errors } = parseLineProtocol(appended[0]!);
    expect(errors).toEqual([]);
    expect(records.map((r) => r.tags.state)).toEqual(['firing', 'resolved']);
    expect((await feed.list({ limit: 10 })).map((e) => [e.to, e.incident])).toEqual([
      ['resolved', undefined],
      ['firing', 'inc-42'],
    ]);
  });

  it('still writes the feed when the spool fails, then reports the failure; a retry adds no duplicate', async () => {
    const feed = new InMemoryNewsFeedStore();
    let fail = true;
    const appended: string[] = [];
    const recorder = new DashboardRecorder({
      feed,
      annotations: {
        append: async (text) => {
          if (fail) throw new Error('spool disk full');
          appended.push(text);
        },
      },
    });
    await expect(recorder.record(testTransition())).rejects.toThrow('spool disk full');
    expect(await feed.list({ limit: 10 })).toHaveLength(1);
    fail = false;
    await recorder.record(testTransition());
    expect(appended).toHaveLength(1);
    expect(await feed.list({ limit: 10 })).toHaveLength(1);
  });

  it('serves as a transition listener', async () => {
    const appended: string[] = [];
    const feed = new InMemoryNewsFeedStore();
    await new DashboardRecorder({ feed, annotations: { append: async (t) => appended.push(t) } }).listener()([testTransition()]);
    expect(appended[0]).toMatch(/^alert_events,/);
    expect(await feed.list({ limit: 10 })).toHaveLength(1);
  });

  it('does nothing for no transitions', async () => {
    const appended: string[] = [];
    await new DashboardRecorder({ feed: new InMemoryNewsFeedStore(), annotations: { append: async (t) => appended.push(t) } }).recordAll([]);
    expect(appended).toEqual([]);
  });
});
