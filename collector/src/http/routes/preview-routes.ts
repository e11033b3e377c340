import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ErrorCodes, FinmonError } from '../../core/errors';

/**
 * GET /preview/ — the dashboards preview page (plugin/preview, built into plugin/dist-preview by
 * `npm run build:preview` in plugin/): the Grafana plugin's real panels and app pages, for people
 * without Grafana. Static files only, served without a token; the page calls the API with the
 * token the user pastes or the demo hands over in the URL fragment (`/preview/#token=…`), which
 * browsers never send to a server — so no token reaches a request line or a log.
 */

export interface PreviewRouteOptions {
  /** The built page; default `plugin/dist-preview` of the repository this collector runs from. */
  readonly directory?: string;
}

/** plugin/dist-preview, from collector/src/http/routes or collector/dist/http/routes alike. */
export function defaultPreviewDirectory(): string {
  return path.resolve(__dirname, '..', '..', '..', '..', 'plugin', 'dist-preview');
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Scripts and data only from this origin; styles inline too (emotion injects <style> tags);
 * no framing. The API the page calls is on the same origin.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Resolves a request path (already URL-decoded, as fastify hands route parameters over) below
 * `root` to a file, or undefined when it is not one: `..` segments, absolute paths, backslashes
 * and NUL bytes never leave the folder; a folder means its index.html. Reads only file metadata.
 */
export function resolvePreviewFile(root: string, requestPath: string): string | undefined {
  const decoded = requestPath;
  if (decoded.includes('\0')) return undefined;
  const base = path.resolve(root);
  let file = path.resolve(base, `.${path.posix.sep}${decoded.replace(/\\/g, '/')}`);
  if (file !== base && !file.startsWith(base + path.sep)) return undefined;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
    if (stat.isDirectory()) {
      file = path.join(file, 'index.html');
      stat = fs.statSync(file);
    }
  } catch {
    return undefined;
  }
  return stat.isFile() ? file : undefined;
}

export function registerPreviewRoutes(app: FastifyInstance, options: PreviewRouteOptions = {}): void {
  const root = options.directory ?? defaultPreviewDirectory();
  app.get('/preview', async (_request, reply) => reply.redirect('/preview/', 301));
  app.get('/preview/*', async (request, reply) => {
    if (!fs.existsSync(path.join(root, 'index.html'))) {
      throw new FinmonError(
        ErrorCodes.NOT_FOUND,
        `the preview page is not built: run "npm run build:preview" in ${path.dirname(root)} (expected ${path.join(root, 'index.html')})`,
        404,
      );
    }
    const wanted = (request.params as { '*'?: string })['*'] ?? '';
    const file = resolvePreviewFile(root, wanted === '' ? 'index.html' : wanted);
    if (!file) throw new FinmonError(ErrorCodes.NOT_FOUND, `no file /preview/${wanted} in the preview page`, 404);
    return sendFile(reply, file);
  });
}

async function sendFile(reply: FastifyReply, file: string): Promise<FastifyReply> {
  const body = await fs.promises.readFile(file);
  return reply
    .header('content-type', CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream')
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .send(body);
}

/** For `startCollector({ extraRoutes })`: registers the preview routes (they need no authenticator). */
export function previewRoutes(options: PreviewRouteOptions = {}) {
  return (app: FastifyInstance): void => registerPreviewRoutes(app, options);
}
