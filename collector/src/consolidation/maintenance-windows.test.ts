import { CronExpressionParser } from 'cron-parser';
import { maintenanceWindowSchema } from '../config/consolidation-schema';
import { CronOpenings, MaintenanceMuter } from './maintenance-windows';
import { alert, HOUR, MINUTE } from './test-support/alert-fixtures';

const erp = { matchers: [{ name: 'source', value: 'erp' }] };
const fromErp = alert({ kpi: 'revenue', labels: { source: 'erp' } });
const fromBank = alert({ kpi: 'bank_balance', labels: { source: 'bank' } });

describe('MaintenanceMuter', () => {
  it('mutes during a one-off window given in its own time zone', () => {
    const w = maintenanceWindowSchema.parse({
      name: 'erp-upgrade',
      ...erp,
      timezone: 'America/New_York',
      start: '2025-03-08T22:00',
      end: '2025-03-09T06:00', // across the spring-forward night: 7 hours long
      comment: 'ERP upgrade',
    });
    const muter = new MaintenanceMuter([w]);
    const start = Date.UTC(2025, 2, 9, 3, 0); // 22:00 EST
    const end = Date.UTC(2025, 2, 9, 10, 0); // 06:00 EDT
    expect(muter.mutes(fromErp, start - 1)).toBeUndefined();
    expect(muter.mutes(fromErp, start)).toEqual({ kind: 'maintenance', name: 'erp-upgrade', until: end });
    expect(muter.mutes(fromErp, end - 1)).toEqual({ kind: 'maintenance', name: 'erp-upgrade', until: end });
    expect(muter.mutes(fromErp, end)).toBeUndefined();
    expect(muter.mutes(fromBank, start + HOUR)).toBeUndefined();
    expect(muter.openWindows(start)).toEqual([{ name: 'erp-upgrade', until: end, comment: 'ERP upgrade' }]);
  });

  it('honours an explicit offset in start and end', () => {
    const w = maintenanceWindowSchema.parse({ name: 'w', ...erp, timezone: 'Asia/Tokyo', start: '2025-03-01T10:00Z', end: '2025-03-01T11:00Z' });
    const muter = new MaintenanceMuter([w]);
    expect(muter.mutes(fromErp, Date.UTC(2025, 2, 1, 10, 30))).toMatchObject({ until: Date.UTC(2025, 2, 1, 11, 0) });
  });

  it('opens a recurring window at each cron time in its time zone, daylight saving included', () => {
    // The nightly ERP batch: 02:30–03:30 London time every night.
    const w = maintenanceWindowSchema.parse({ name: 'nightly-batch', ...erp, timezone: 'Europe/London', cron: '30 2 * * *', duration: '1h' });
    const muter = new MaintenanceMuter([w]);
    const winter = Date.UTC(2025, 0, 15, 2, 30); // GMT
    const summer = Date.UTC(2025, 6, 15, 1, 30); // 02:30 BST
    for (const opened of [winter, summer]) {
      expect(muter.mutes(fromErp, opened - MINUTE)).toBeUndefined();
      expect(muter.mutes(fromErp, opened)).toEqual({ kind: 'maintenance', name: 'nightly-batch', until: opened + HOUR });
      expect(muter.mutes(fromErp, opened + 59 * MINUTE)).toMatchObject({ until: opened + HOUR });
      expect(muter.mutes(fromErp, opened + HOUR)).toBeUndefined();
    }
  });

  it('mutes the books during the first two days of each month (month-end close)', () => {
    const w = maintenanceWindowSchema.parse({
      name: 'month-end-close',
      matchers: [{ name: 'kpi', op: '=~', value: 'accounts_payable|accounts_receivable' }],
      timezone: 'America/Chicago',
      cron: '0 0 1 * *',
      duration: '2d',
    });
    const muter = new MaintenanceMuter([w]);
    const ap = alert({ kpi: 'accounts_payable' });
    const opened = Date.UTC(2025, 3, 1, 5, 0); // April 1st 00:00 CDT
    expect(muter.mutes(ap, opened + 47 * HOUR)).toEqual({ kind: 'maintenance', name: 'month-end-close', until: opened + 48 * HOUR });
    expect(muter.mutes(ap, opened + 48 * HOUR)).toBeUndefined();
    expect(muter.mutes(alert({ kpi: 'revenue' }), opened + HOUR)).toBeUndefined();
  });
});

describe('CronOpenings', () => {
  it('answers like a fresh parse at every instant, in any order, across DST, while reusing its span', () => {
    const openings = new CronOpenings('30 2 * * *', 'Europe/London');
    const fresh = (now: number) => CronExpressionParser.parse('30 2 * * *', { currentDate: new Date(now + 1), tz: 'Europe/London' }).prev().getTime();
    const start = Date.UTC(2025, 2, 28, 0, 0); // the last Sunday of March (BST starts) is inside
    const times: number[] = [];
    for (let t = start; t < start + 4 * 24 * HOUR; t += 17 * MINUTE) times.push(t);
    times.push(start + 3 * HOUR, start - 5 * 24 * HOUR, start + 2 * 24 * HOUR + 1); // backwards too
    for (const t of times) expect(openings.latestAtOrBefore(t)).toBe(fresh(t));
    const opened = fresh(start + 30 * HOUR);
    expect(openings.latestAtOrBefore(opened)).toBe(opened); // an opening is its own latest
    expect(openings.latestAtOrBefore(opened - 1)).toBe(fresh(opened - 1));
  });
});
