import type { FastifyInstance } from 'fastify';
import type { MetricsConfig } from '../../config/metrics-config-schema';
import type { Clock } from '../../core/clock';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { Point } from '../../core/point';
import { parseUploadCsv, UPLOAD_KINDS, type UploadKind } from '../../sources/csv-upload/parse-upload-csv';
import { requireScope, type RequestAuthenticator } from '../authenticate';

/** What the upload route needs from the rest of the collector. */
export interface UploadRouteDeps {
  auth: RequestAuthenticator;
  /** The current metrics configuration (KPI catalog, company time zone and week start). */
  config(): MetricsConfig;
  /** Stores the accepted points; resolves once they are durable (`IngestPipeline.accept`). */
  accept(points: readonly Point[]): Promise<void>;
  clock: Clock;
  bodyLimitBytes: number;
}

const MAX_LISTED = 1_000;
const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];

/**
 * POST /api/v1/upload/csv?kind=values|budget|target with a `text/csv` body (scope ingest): budgets,
 * targets and manual figures, validated row by row (see `sources/csv-upload`). Good rows are stored;
 * the reply lists every refused row with its line and reason: 200 when all rows are stored, 400
 * (`FINMON_UPLOAD_MALFORMED`) when some or all are refused or the file itself is not usable.
 */
export async function registerUploadRoutes(app: FastifyInstance, deps: UploadRouteDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(CSV_TYPES, { parseAs: 'string', bodyLimit: deps.bodyLimitBytes }, (_req, body, done) => done(null, body));
    scope.post('/api/v1/upload/csv', { preHandler: requireScope(deps.auth, 'ingest'), bodyLimit: deps.bodyLimitBytes }, async (request, reply) => {
      const kind = (request.query as Record<string, string | undefined>).kind;
      if (!isUploadKind(kind)) {
        throw new FinmonError(ErrorCodes.REQUEST_INVALID, `query parameter kind must be one of ${UPLOAD_KINDS.join(', ')}, got ${JSON.stringify(kind ?? null)}`, 400);
      }
      const body = typeof request.body === 'string' ? request.body : '';
      if (body.trim() === '') throw new FinmonError(ErrorCodes.UPLOAD_MALFORMED, 'CSV upload: the body is empty; send the CSV text with Content-Type: text/csv', 400);
      const config = deps.config();
      const catalog = new Map(config.kpis.map((k) => [k.id, k]));
      const result = parseUploadCsv(body, kind, {
        catalog: (id) => catalog.get(id),
        timezone: config.company.timezone,
        weekStartsOn: config.company.weekStartsOn,
        clock: deps.clock,
      });
      if (result.points.length > 0) await deps.accept(result.points);
      const summary = {
        kind,
        rows: result.rows,
        accepted: result.points.length,
        rejectedCount: result.rejected.length,
        rejected: result.rejected.slice(0, MAX_LISTED),
      };
      if (result.rejected.length === 0 && result.points.length > 0) return reply.status(200).send(summary);
      const message =
        result.points.length === 0
          ? result.rows === 0
            ? 'CSV upload: the file has a header but no rows'
            : `CSV upload: all ${result.rejected.length} rows were rejected; see "rejected" for each reason`
          : `CSV upload: partial upload: ${result.points.length} rows stored, ${result.rejected.length} rejected; see "rejected" for each reason`;
      return reply.status(400).send({ ...summary, error: { code: ErrorCodes.UPLOAD_MALFORMED, message } });
    });
  });
}

function isUploadKind(value: string | undefined): value is UploadKind {
  return (UPLOAD_KINDS as readonly string[]).includes(value ?? '');
}
