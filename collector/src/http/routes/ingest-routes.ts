import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { IngestResult } from '../../ingest/ingest-batch';
import type { PointsInput } from '../../ingest/point-columns';
import { requireScope, type RequestAuthenticator } from '../authenticate';

const gunzipAsync = promisify(gunzip);

type ParsedBatch = IngestResult;

/** What the ingest routes need from the rest of the collector. */
export interface IngestRouteDeps {
  auth: RequestAuthenticator;
  /**
   * Parses and validates a line-protocol body (the received bytes, UTF-8); never throws for bad
   * lines. `canonicalBody` in the result means these bytes are exactly the accepted points' lines.
   */
  parseLineProtocol(body: Buffer, precision: string | undefined): ParsedBatch;
  /** Parses and validates a JSON batch body; never throws for bad items. */
  parseJsonBatch(body: string): ParsedBatch;
  /**
   * Hands accepted points on (as `Point`s or, from the hot path, in columns); resolves once they are
   * durably stored. `received`, when given, is the request body's bytes and exactly the points' line
   * protocol (see `IngestResult.canonicalBody`), which storage may keep as it is.
   */
  accept(points: PointsInput, received?: Buffer): Promise<void>;
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
        const bytes = await bodyBuffer(request, deps.bodyLimitBytes, 'InfluxDB line protocol, one point per line');
        const batch = deps.parseLineProtocol(bytes, precision);
        const [status, body] = await acceptBatch(batch, deps, 'line', batch.canonicalBody === true ? bytes : undefined);
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
        const text = (await bodyBuffer(request, deps.bodyLimitBytes, 'a JSON object {"points":[…]}')).toString('utf8');
        const batch = deps.parseJsonBatch(text);
        const [status, body] = await acceptBatch(batch, deps, 'item');
        return reply.status(status).send(body);
      },
    );
  });
}

/** The request body's bytes (inflated when gzip). */
async function bodyBuffer(request: FastifyRequest, limit: number, expected: string): Promise<Buffer> {
  const raw = request.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) {
    throw new FinmonError(ErrorCodes.INGEST_MALFORMED, `body is empty; send ${expected}`, 400);
  }
  const encoding = request.headers['content-encoding'];
  if (encoding === undefined || encoding === 'identity') return raw;
  if (encoding !== 'gzip') {
    throw new FinmonError(ErrorCodes.INGEST_MALFORMED, `Content-Encoding "${encoding}" is not supported; use gzip or none`, 415);
  }
  try {
    return await gunzipAsync(raw, { maxOutputLength: limit });
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
  received?: Buffer,
): Promise<[number, unknown]> {
  const accepted = batch.columns?.length ?? batch.points.length;
  const points = batch.columns ?? batch.points;
  if (accepted > 0) await (received ? deps.accept(points, received) : deps.accept(points));
  const rejectedCount = batch.rejectedTotal;
  const summary = {
    accepted,
    rejectedCount,
    rejected: batch.rejected,
  };
  if (rejectedCount === 0) {
    if (accepted === 0) {
      return [400, { ...summary, error: { code: ErrorCodes.INGEST_MALFORMED, message: `the body holds no ${unit}s` } }];
    }
    return [200, summary];
  }
  const code = accepted === 0 ? ErrorCodes.INGEST_ALL_REJECTED : ErrorCodes.INGEST_MALFORMED;
  const message =
    accepted === 0
      ? `all ${rejectedCount} ${unit}s were rejected; see "rejected" for each reason`
      : `partial write: ${accepted} points stored, ${rejectedCount} ${unit}s rejected; see "rejected" for each reason`;
  return [400, { ...summary, error: { code, message } }];
}
