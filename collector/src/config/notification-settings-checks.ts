import { DateTime } from 'luxon';
import type { ReportProblem } from './kpi-checks';
import type { ChannelName, NotificationSettings, Receivers } from './notification-settings-schema';
import { recipientChannels } from './recipient-channels';
import { tryTimeOfDayMinutes } from './scalar-schemas';

/**
 * Checks of notification_settings.yaml across its sections: ids are unique, every recipient, role,
 * schedule and policy referenced exists, channels used are configured, every receiver can be
 * reached on the channels it is sent to, and times make sense (quiet hours, business hours,
 * escalation timeouts, rotation start dates). Paths are relative to the settings file.
 */

type Path = (string | number)[];

/** Checks a parsed settings object; reports every problem found. */
export function checkNotificationSettings(settings: NotificationSettings, report: ReportProblem): void {
  const ctx = new SettingsContext(settings, report);
  ctx.checkRecipients();
  ctx.checkRouting();
  ctx.checkEscalation();
  ctx.checkSchedules();
  ctx.checkDigests();
}

class SettingsContext {
  readonly recipients: Map<string, NotificationSettings['recipients'][number]>;
  readonly roles: Set<string>;
  readonly roleMembers = new Map<string, string[]>();
  readonly schedules: Map<string, NotificationSettings['schedules'][number]>;
  readonly policies: Set<string>;
  readonly configuredChannels: ChannelName[];

  constructor(
    private readonly s: NotificationSettings,
    private readonly report: ReportProblem,
  ) {
    this.recipients = uniqueById(s.recipients, ['recipients'], 'recipient', report);
    this.roles = new Set(uniqueById(s.roles, ['roles'], 'role', report).keys());
    this.schedules = uniqueById(s.schedules, ['schedules'], 'schedule', report);
    this.policies = new Set(uniqueById(s.escalation.policies, ['escalation', 'policies'], 'escalation policy', report).keys());
    uniqueById(s.digests, ['digests'], 'digest', report);
    for (const r of s.recipients) {
      for (const role of r.roles) this.roleMembers.set(role, [...(this.roleMembers.get(role) ?? []), r.id]);
    }
    this.configuredChannels = (Object.keys(s.channels) as ChannelName[]).filter((c) => s.channels[c] !== undefined);
  }

  checkRecipients(): void {
    this.s.recipients.forEach((r, i) => {
      r.roles.forEach((role, j) => {
        if (!this.roles.has(role)) this.report(['recipients', i, 'roles', j], unknownRef('role', role, this.roles));
      });
      const own = recipientChannels(r);
      if (!own.some((c) => this.configuredChannels.includes(c))) {
        this.report(
          ['recipients', i, 'channels'],
          `recipient "${r.id}" cannot be reached: their channels (${own.join(', ')}) are not configured under "channels" (configured: ${listOrNone(this.configuredChannels)})`,
        );
      }
      const quiet = r.preferences.quietHours;
      if (quiet && quiet.start === quiet.end) {
        this.report(['recipients', i, 'preferences', 'quietHours', 'end'], `quiet hours start and end at ${quiet.start}; give an end different from the start`);
      }
    });
  }

  checkRouting(): void {
    const check = (route: { receivers?: Receivers; escalation?: string; channels?: ChannelName[] }, path: Path) => {
      if (route.channels) this.checkChannelsConfigured(route.channels, [...path, 'channels']);
      if (route.receivers) this.checkReceivers(route.receivers, [...path, 'receivers'], route.channels, [...path, 'channels']);
      if (route.escalation !== undefined && !this.policies.has(route.escalation)) {
        this.report([...path, 'escalation'], unknownRef('escalation policy', route.escalation, this.policies));
      }
    };
    check(this.s.routing.default, ['routing', 'default']);
    this.s.routing.routes.forEach((route, i) => check(route, ['routing', 'routes', i]));
  }

  checkEscalation(): void {
    this.s.escalation.policies.forEach((policy, i) => {
      const path: Path = ['escalation', 'policies', i];
      const hours = policy.businessHours;
      const start = hours && tryTimeOfDayMinutes(hours.start);
      const end = hours && tryTimeOfDayMinutes(hours.end);
      if (hours && start !== undefined && end !== undefined && end <= start) {
        this.report([...path, 'businessHours', 'end'], `business hours end (${hours.end}) must be after their start (${hours.start}) on the same day`);
      }
      policy.levels.forEach((level, j) => {
        const levelPath: Path = [...path, 'levels', j];
        this.checkChannelsConfigured(level.channels, [...levelPath, 'channels']);
        this.checkReceivers(level.targets, [...levelPath, 'targets'], level.channels, [...levelPath, 'channels']);
        const isLast = j === policy.levels.length - 1;
        if (level.timeout === undefined && !isLast) {
          this.report([...levelPath, 'timeout'], 'a level followed by another needs a timeout (how long to wait for an acknowledgement before escalating)');
        }
        if (level.timeout === undefined && isLast && policy.repeat > 0) {
          this.report([...levelPath, 'timeout'], `the last level needs a timeout when the policy repeats (repeat: ${policy.repeat})`);
        }
        if (level.when !== 'always' && hours === undefined) {
          this.report([...levelPath, 'when'], `when "${level.when}" needs businessHours on the policy`);
        }
      });
    });
  }

  checkSchedules(): void {
    this.s.schedules.forEach((schedule, i) => {
      const path: Path = ['schedules', i, 'rotation'];
      const rotation = schedule.rotation;
      const seen = new Set<string>();
      rotation.recipients.forEach((id, j) => {
        if (!this.recipients.has(id)) this.report([...path, 'recipients', j], unknownRef('recipient', id, this.recipients.keys()));
        if (seen.has(id)) this.report([...path, 'recipients', j], `recipient "${id}" appears twice in the rotation`);
        seen.add(id);
      });
      if (rotation.every === 'daily' && rotation.handoffDay !== undefined) {
        this.report([...path, 'handoffDay'], 'handoffDay applies to weekly rotations; a daily rotation hands off every day');
      }
      // The format is checked by the schema; here only whether the date exists (zone-independent).
      if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(rotation.startDate) && !DateTime.fromISO(rotation.startDate, { zone: 'UTC' }).isValid) {
        this.report([...path, 'startDate'], `"${rotation.startDate}" is not a calendar date; expected "YYYY-MM-DD"`);
      }
    });
  }

  checkDigests(): void {
    this.s.digests.forEach((digest, i) => {
      const path: Path = ['digests', i];
      this.checkChannelsConfigured(digest.channels, [...path, 'channels']);
      const receivers: Receivers = {};
      if (digest.recipients) receivers.recipients = digest.recipients;
      if (digest.roles) receivers.roles = digest.roles;
      this.checkReceivers(receivers, path, digest.channels, [...path, 'channels']);
    });
  }

  private checkChannelsConfigured(channels: readonly ChannelName[], path: Path): void {
    channels.forEach((c, j) => {
      if (this.s.channels[c] === undefined) {
        this.report([...path, j], `channel "${c}" is not configured under "channels" (configured: ${listOrNone(this.configuredChannels)})`);
      }
    });
  }

  /**
   * Every recipient, role and schedule named exists; a role has members; and when the channels are
   * fixed, every person reached has at least one of them.
   */
  private checkReceivers(receivers: Receivers, path: Path, channels: readonly ChannelName[] | undefined, channelsPath: Path): void {
    const people = new Set<string>();
    receivers.recipients?.forEach((id, j) => {
      if (this.recipients.has(id)) people.add(id);
      else this.report([...path, 'recipients', j], unknownRef('recipient', id, this.recipients.keys()));
    });
    receivers.roles?.forEach((role, j) => {
      if (!this.roles.has(role)) {
        this.report([...path, 'roles', j], unknownRef('role', role, this.roles));
        return;
      }
      const members = this.roleMembers.get(role) ?? [];
      if (members.length === 0) this.report([...path, 'roles', j], `role "${role}" has no recipients, so nobody would be notified`);
      members.forEach((id) => people.add(id));
    });
    receivers.schedules?.forEach((id, j) => {
      const schedule = this.schedules.get(id);
      if (schedule === undefined) this.report([...path, 'schedules', j], unknownRef('schedule', id, this.schedules.keys()));
      else schedule.rotation.recipients.forEach((member) => this.recipients.has(member) && people.add(member));
    });
    if (channels === undefined) return;
    for (const id of people) {
      const own = recipientChannels(this.recipients.get(id)!);
      if (!channels.some((c) => own.includes(c))) {
        this.report(channelsPath, `recipient "${id}" has none of the channels ${channels.join(', ')} (they have: ${own.join(', ')})`);
      }
    }
  }
}

function uniqueById<T extends { id: string }>(items: readonly T[], path: Path, what: string, report: ReportProblem): Map<string, T> {
  const byId = new Map<string, T>();
  const firstIndex = new Map<string, number>();
  items.forEach((item, i) => {
    const first = firstIndex.get(item.id);
    if (first !== undefined) {
      report([...path, i, 'id'], `duplicate ${what} id "${item.id}" (first defined at ${formatIndexPath(path, first)})`);
      return;
    }
    firstIndex.set(item.id, i);
    byId.set(item.id, item);
  });
  return byId;
}

function formatIndexPath(path: Path, index: number): string {
  return `${path.join('.')}[${index}]`;
}

function unknownRef(what: string, id: string, known: Iterable<string>): string {
  return `unknown ${what} "${id}" (defined: ${listOrNone([...known])})`;
}

function listOrNone(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}
