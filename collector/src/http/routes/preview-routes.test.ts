import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '../../core/logger';
import { createHttpServer } from '../server';
import { defaultPreviewDirectory, registerPreviewRoutes, resolvePreviewFile } from './preview-routes';

describe('preview routes', () => {
  let dir: string;
  let root: string;
  let app: FastifyInstance;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finmon-preview-'));
    root = path.join(dir, 'dist-preview');
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>finmon preview</title>');
    fs.writeFileSync(path.join(root, 'preview.js'), 'console.log(1)');
    fs.writeFileSync(path.join(root, 'assets', 'font-1.woff2'), Buffer.from([0, 1, 2]));
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
    app = createHttpServer({ logger: silentLogger(), bodyLimitBytes: 1024 });
    registerPreviewRoutes(app, { directory: root });
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at /preview/ without a token, with security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/preview/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('finmon preview');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('redirects /preview to /preview/ so relative asset URLs resolve', async () => {
    const res = await app.inject({ method: 'GET', url: '/preview' });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/preview/');
  });

  it('serves the bundle and assets with their content types', async () => {
    const js = await app.inject({ method: 'GET', url: '/preview/preview.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('console.log(1)');
    const font = await app.inject({ method: 'GET', url: '/preview/assets/font-1.woff2' });
    expect(font.headers['content-type']).toBe('font/woff2');
    expect(font.rawPayload).toEqual(Buffer.from([0, 1, 2]));
  });

  it.each(['/preview/../secret.txt', '/preview/%2e%2e/secret.txt', '/preview/..%2Fsecret.txt', '/preview/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/preview/%00', '/preview/..\\secret.txt'])(
    'never serves anything outside the folder: %s',
    async (url) => {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('do not serve');
      expect(res.json().error.code).toBe('FINMON_NOT_FOUND');
    },
  );

  it('refuses a malformed path with a client error', async () => {
    const res = await app.inject({ method: 'GET', url: '/preview/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('do not serve');
  });

  it('answers 404 with finmon’s error for a missing file', async () => {
    const res = await app.inject({ method: 'GET', url: '/preview/nope.js' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'FINMON_NOT_FOUND', message: 'no file /preview/nope.js in the preview page' } });
  });

  it('says how to build the page when it is not built', async () => {
    fs.rmSync(path.join(root, 'index.html'));
    const res = await app.inject({ method: 'GET', url: '/preview/' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toContain('npm run build:preview');
  });
});

describe('resolvePreviewFile', () => {
  it('maps folders to their index.html and refuses paths leaving the root', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finmon-preview-resolve-'));
    try {
      fs.mkdirSync(path.join(dir, 'sub'));
      fs.writeFileSync(path.join(dir, 'sub', 'index.html'), 'x');
      expect(resolvePreviewFile(dir, 'sub')).toBe(path.join(dir, 'sub', 'index.html'));
      expect(resolvePreviewFile(dir, '/etc/passwd')).toBeUndefined();
      expect(resolvePreviewFile(dir, '../' + path.basename(dir) + '/sub/index.html')).toBe(path.join(dir, 'sub', 'index.html'));
      expect(resolvePreviewFile(dir, '..')).toBeUndefined();
      expect(resolvePreviewFile(dir, 'missing')).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('defaults to plugin/dist-preview of the repository', () => {
    expect(defaultPreviewDirectory()).toBe(path.resolve(__dirname, '../../../../plugin/dist-preview'));
  });
});
