import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { Point } from '../../core/point';
import type { IngestResult } from '../../ingest/ingest-batch';
import { requireScope, type RequestAuthenticator } from '../authenticate';

const gunzipAsync = promisify(gunzip);

type ParsedBatch = IngestResult;

/** What the ingest routes need from the rest of the collector. */
export interface IngestRouteDeps {
  auth: RequestAuthenticator;
  /** Parses and validates a line-protocol body; never throws for bad lines. */
  parseLineProtocol(body: string, precision: string | undefined): ParsedBatch;
  /** Parses and validates a JSON batch body; never throws for bad items. */
  parseJsonBatch(body: string): ParsedBatch;
  /** Hands accepted points on; resolves once they are durably stored. */
  accept(points: readonly Point[]): Promise<void>;
  /** Largest request body, compressed or not, in bytes. */
  bodyLimitBytes: number;
}

/**
 * POST /api/v1/write (InfluxDB line protocol, so Telegraf and Influx clients can send) and
 * POST /api/v1/metrics (JSON batches). Both keep the good points of a mixed batch and list every
 * rejected line or item with its reason.
 */
export async function registerIngestRoutes(app: FastifyInstance, deps: IngestRouteDeps): Promise<void> {
  await app.register(async (scope) => {
    // Line protocol arrives with any content type (Telegraf sends none or text/plain); read raw bytes.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.bodyLimitBytes }, (_req, body, done) => {
      done(null, body);
    });

    scope.post(
      '/api/v1/write',
      { preHandler: requireScope(deps.auth, 'ingest'), bodyLimit: deps.bodyLimitBytes },
      async (request, reply) => {
        const precision = (request.query as Record<string, string | undefined>).precision;
        const text = await bodyText(request, deps.bodyLimitBytes, 'InfluxDB line protocol, one point per line');
        const batch = deps.parseLineProtocol(text, precision);
        const [status, body] = await acceptBatch(batch, deps, 'line');
        return reply.status(status).send(body);
      },
    );
  });

  await app.register(async (scope) => {
    // The batch parser reads the text itself, so it can name the item and property that is wrong.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: deps.bodyLimitBytes }, (_req, body, done) => {
      done(null, body);
    });
    scope.post(
      '/api/v1/metrics',
      { preHandler: requireScope(deps.auth, 'ingest'), bodyLimit: deps.bodyLimitBytes },
      async (request, reply) => {
        const text = await bodyText(request, deps.bodyLimitBytes, 'a JSON object {"points":[…]}');
        const batch = deps.parseJsonBatch(text);
        const [status, body] = await acceptBatch(batch, deps, 'item');
        return reply.status(status).send(body);
      },
    );
  });
}

async function bodyText(request: FastifyRequest, limit: number, expected: string): Promise<string> {
  const raw = request.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) {
    throw new FinmonError(ErrorCodes.INGEST_MALFORMED, `body is empty; send ${expected}`, 400);
  }
  const encoding = request.headers['content-encoding'];
  if (encoding === undefined || encoding === 'identity') return raw.toString('utf8');
  if (encoding !== 'gzip') {
    throw new FinmonError(ErrorCodes.INGEST_MALFORMED, `Content-Encoding "${encoding}" is not supported; use gzip or none`, 415);
  }
  try {
    const inflated = await gunzipAsync(raw, { maxOutputLength: limit });
    return inflated.toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new FinmonError(
        ErrorCodes.INGEST_BODY_TOO_LARGE,
        `gzip body inflates to more than the limit of ${limit} bytes; split it into smaller batches`,
        413,
      );
    }
    throw new FinmonError(ErrorCodes.INGEST_MALFORMED, `gzip body could not be decompressed: ${(err as Error).message}`, 400);
  }
}

/** Stores the good points, then answers 200 (all accepted) or 400 (some or all rejected). */
async function acceptBatch(
  batch: ParsedBatch,
  deps: IngestRouteDeps,
  unit: 'line' | 'item',
): Promise<[number, unknown]> {
  if (batch.points.length > 0) await deps.accept(batch.points);
  const rejectedCount = batch.rejectedTotal;
  const summary = {
    accepted: batch.points.length,
    rejectedCount,
    rejected: batch.rejected,
  };
  if (rejectedCount === 0) {
    if (batch.points.length === 0) {
      return [400, { ...summary, error: { code: ErrorCodes.INGEST_MALFORMED, message: `the body holds no ${unit}s` } }];
    }
    return [200, summary];
  }
  const code = batch.points.length === 0 ? ErrorCodes.INGEST_ALL_REJECTED : ErrorCodes.INGEST_MALFORMED;
  const message =
    batch.points.length === 0
      ? `all ${rejectedCount} ${unit}s were rejected; see "rejected" for each reason`
      : `partial write: ${batch.points.length} points stored, ${rejectedCount} ${unit}s rejected; see "rejected" for each reason`;
  return [400, { ...summary, error: { code, message } }];
}
