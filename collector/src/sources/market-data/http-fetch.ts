import { ErrorCodes, FinmonError } from '../../core/errors';
import type { Sleep } from '../../scheduling/sleep';

/** A finished HTTP exchange. */
export interface FetchedText {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  /** Seconds from a Retry-After header, when the server sent one. */
  readonly retryAfterSeconds?: number;
}

export interface FetchTextOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Aborts the request (timeout of the whole run, shutdown). */
  readonly signal: AbortSignal;
  /** Budget of this request, measured with `sleep` so tests drive it with a fake clock. */
  readonly timeoutMs: number;
  readonly sleep: Sleep;
  /** How the request is named in errors (the URL with secrets masked). */
  readonly label: string;
  /** Largest body read (default 16 MiB). */
  readonly maxBytes?: number;
}

/**
 * GET `url` with a per-request timeout and the caller's abort signal, reading the body as text.
 * Any answer is returned (the caller judges the status); network failures and timeouts throw a
 * retryable `FinmonError(SOURCE_FAILED)` naming `label` — never the URL, which may hold a key.
 */
export async function fetchText(url: string, options: FetchTextOptions): Promise<FetchedText> {
  const controller = new AbortController();
  const timer = new AbortController();
  let timedOut = false;
  const onAbort = (): void => controller.abort(options.signal.reason);
  if (options.signal.aborted) onAbort();
  options.signal.addEventListener('abort', onAbort, { once: true });
  void options.sleep(options.timeoutMs, timer.signal).then(() => {
    if (timer.signal.aborted) return;
    timedOut = true;
    controller.abort();
  });
  try {
    const response = await fetch(url, { headers: options.headers, signal: controller.signal, redirect: 'follow' });
    const body = await readLimited(response, options.maxBytes ?? 16 * 1024 * 1024, options.label);
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      status: response.status,
      body,
      contentType: response.headers.get('content-type') ?? '',
      ...(Number.isFinite(retryAfter) && retryAfter >= 0 && response.headers.has('retry-after') ? { retryAfterSeconds: retryAfter } : {}),
    };
  } catch (error) {
    if (error instanceof FinmonError) throw error;
    if (options.signal.aborted) throw options.signal.reason;
    const why = timedOut ? `no answer within ${options.timeoutMs} ms` : `request failed: ${causeOf(error)}`;
    throw new FinmonError(ErrorCodes.SOURCE_FAILED, `${options.label}: ${why}`, 504, true, { cause: error });
  } finally {
    timer.abort();
    options.signal.removeEventListener('abort', onAbort);
  }
}

async function readLimited(response: Response, maxBytes: number, label: string): Promise<string> {
  const length = Number(response.headers.get('content-length'));
  if (Number.isFinite(length) && length > maxBytes) {
    await response.body?.cancel();
    throw new FinmonError(ErrorCodes.SOURCE_FAILED, `${label}: response of ${length} bytes is larger than the limit of ${maxBytes}`, 502, false);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > maxBytes) {
    throw new FinmonError(ErrorCodes.SOURCE_FAILED, `${label}: response of ${bytes.length} bytes is larger than the limit of ${maxBytes}`, 502, false);
  }
  return bytes.toString('utf8');
}

function causeOf(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}

/** Whether an HTTP status is worth retrying: 408, 425, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
