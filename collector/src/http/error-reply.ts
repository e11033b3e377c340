import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { Logger } from '../core/logger';

/** The body every API error answers with. */
export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/**
 * Maps any error thrown in a route to a JSON reply: FinmonErrors keep their code and status;
 * fastify's own errors (body too large, bad JSON, bad content type) get a finmon code and a clear
 * message (INGEST_MALFORMED on the data routes, REQUEST_INVALID elsewhere); anything else is a 500 whose details stay in the log, not in the response.
 */
export function buildErrorHandler(logger: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void => {
    const malformed = isIngestRoute(request) ? ErrorCodes.INGEST_MALFORMED : ErrorCodes.REQUEST_INVALID;
    if (error instanceof FinmonError) {
      if (error.httpStatus >= 500) logger.error({ err: error, url: request.url }, 'request failed');
      void reply.status(error.httpStatus).send(errorBody(error.code, error.message));
      return;
    }
    const fastifyCode = (error as FastifyError).code;
    switch (fastifyCode) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        void reply
          .status(413)
          .send(errorBody(ErrorCodes.INGEST_BODY_TOO_LARGE, `request body is larger than the limit of ${request.routeOptions.bodyLimit ?? 'the server'} bytes; split it into smaller batches`));
        return;
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        void reply.status(400).send(errorBody(malformed, `body is not valid JSON: ${error.message}`));
        return;
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        void reply.status(415).send(errorBody(malformed, error.message));
        return;
      default:
        break;
    }
    const status = (error as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      void reply.status(status).send(errorBody(malformed, error.message));
      return;
    }
    logger.error({ err: error, url: request.url }, 'unexpected error');
    void reply.status(500).send(errorBody(ErrorCodes.INTERNAL, 'internal error; see the collector log'));
  };
}

/** The data routes, whose malformed requests are ingest errors; every other route's are request errors. */
const INGEST_ROUTES = new Set(['/api/v1/write', '/api/v1/metrics']);

function isIngestRoute(request: FastifyRequest): boolean {
  return INGEST_ROUTES.has(request.routeOptions.url ?? '');
}
