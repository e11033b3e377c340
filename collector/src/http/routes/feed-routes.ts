import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { NewsFeedStore } from '../../channels/dashboard/news-feed-store';
import { alertCategorySchema } from '../../config/notification-settings-schema';
import { severitySchema } from '../../config/scalar-schemas';
import { ErrorCodes, FinmonError } from '../../core/errors';
import { requireScope, type RequestAuthenticator } from '../authenticate';

export interface FeedRouteDeps {
  readonly auth: RequestAuthenticator;
  readonly feed: NewsFeedStore;
}

export const FEED_DEFAULT_LIMIT = 100;
export const FEED_MAX_LIMIT = 1000;

/** A comma-separated list of enum values, e.g. `severity=critical,warning`. */
function commaList<T extends string>(item: z.ZodType<T>, what: string) {
  return z
    .string()
    .transform((text, ctx) => {
      const values = text.split(',').map((v) => v.trim()).filter((v) => v !== '');
      const out: T[] = [];
      for (const value of values) {
        const parsed = item.safeParse(value);
        if (parsed.success) out.push(parsed.data);
        else ctx.addIssue({ code: 'custom', message: `"${value}" is not a ${what}` });
      }
      if (values.length === 0) ctx.addIssue({ code: 'custom', message: `give at least one ${what}` });
      return out;
    })
    .optional();
}

const feedQuerySchema = z
  .object({
    since: z
      .string()
      .transform((text, ctx) => {
        const ms = /^-?[0-9]{1,16}$/.test(text) ? Number(text) : Date.parse(text);
        if (Number.isNaN(ms)) ctx.addIssue({ code: 'custom', message: 'an instant: epoch milliseconds or an ISO 8601 time such as 2026-03-04T09:00:00Z' });
        return ms;
      })
      .optional(),
    severity: commaList(severitySchema, 'severity (critical, warning, info)'),
    category: commaList(alertCategorySchema, 'category (financial, operational, market, system)'),
    limit: z
      .string()
      .regex(/^[0-9]+$/, 'a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(FEED_MAX_LIMIT, `at most ${FEED_MAX_LIMIT}`))
      .optional(),
  })
  .strict();

/**
 * GET /api/v1/feed?since=&severity=&category=&limit= — the news feed of alert events, newest first
 * (read scope). `since` (epoch ms or ISO time) is inclusive; `severity` and `category` take
 * comma-separated lists; `limit` 1–1000, default 100. Answers `{ events: FeedEvent[] }`.
 */
export function registerFeedRoutes(app: FastifyInstance, deps: FeedRouteDeps): void {
  app.get('/api/v1/feed', { preHandler: requireScope(deps.auth, 'read') }, async (request) => {
    const parsed = feedQuerySchema.safeParse(request.query ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `query parameter "${issue.path.join('.')}"` : 'query';
      const message = issue?.code === 'unrecognized_keys' ? `unknown ${issue.message.toLowerCase()}; use since, severity, category, limit` : issue?.message;
      throw new FinmonError(ErrorCodes.REQUEST_INVALID, `${where}: ${message ?? 'invalid'}`, 400);
    }
    const q = parsed.data;
    const events = await deps.feed.list({
      limit: q.limit ?? FEED_DEFAULT_LIMIT,
      ...(q.since === undefined ? {} : { since: q.since }),
      ...(q.severity === undefined ? {} : { severities: q.severity }),
      ...(q.category === undefined ? {} : { categories: q.category }),
    });
    return { events };
  });
}
