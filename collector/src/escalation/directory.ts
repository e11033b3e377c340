import type { NotificationSettings, OnCallSchedule, Receivers } from '../config/notification-settings-schema';
import { onCallAt } from './on-call';

/**
 * People as escalation sees them: receivers (recipients, roles, on-call schedules) resolved to
 * recipient ids at a given instant — roles to their members in file order, schedules to whoever is
 * on call then.
 */
export class Directory {
  private readonly recipients: Set<string>;
  private readonly roleMembers = new Map<string, string[]>();
  private readonly schedules: Map<string, OnCallSchedule>;

  constructor(settings: NotificationSettings) {
    this.recipients = new Set(settings.recipients.map((r) => r.id));
    for (const r of settings.recipients) {
      for (const role of r.roles) this.roleMembers.set(role, [...(this.roleMembers.get(role) ?? []), r.id]);
    }
    this.schedules = new Map(settings.schedules.map((s) => [s.id, s]));
  }

  /** Recipient ids, without duplicates, in the order named; unknown names are skipped. */
  resolve(receivers: Receivers, now: number): string[] {
    const out = new Set<string>();
    for (const id of receivers.recipients ?? []) if (this.recipients.has(id)) out.add(id);
    for (const role of receivers.roles ?? []) for (const id of this.roleMembers.get(role) ?? []) out.add(id);
    for (const scheduleId of receivers.schedules ?? []) {
      const schedule = this.schedules.get(scheduleId);
      if (schedule !== undefined) out.add(onCallAt(schedule, now));
    }
    return [...out];
  }
}
