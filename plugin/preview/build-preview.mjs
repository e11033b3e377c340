// Bundles the preview page (preview/src/main.tsx: the real panels and app pages outside Grafana)
// into dist-preview/, which the collector serves at /preview/. Usage: npm run build:preview
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist-preview');
fs.rmSync(outdir, { recursive: true, force: true });
fs.mkdirSync(outdir, { recursive: true });

const started = Date.now();
const result = await build({
  entryPoints: { preview: path.join(root, 'preview', 'src', 'main.tsx') },
  outdir,
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: 'es2020',
  platform: 'browser',
  jsx: 'transform',
  define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
  // @grafana/runtime reads Grafana's boot data when it loads; outside Grafana there is none.
  banner: {
    js: 'window.grafanaBootData = window.grafanaBootData || { assets: { dark: "", light: "" }, settings: {}, user: { theme: "light", regionalFormat: "en-US", lightTheme: true }, navTree: [] };',
  },
  loader: { '.svg': 'text', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.png': 'file' },
  assetNames: 'assets/[name]-[hash]',
  logLevel: 'warning',
  metafile: true,
  tsconfig: path.join(root, 'tsconfig.json'),
});
fs.copyFileSync(path.join(root, 'preview', 'index.html'), path.join(outdir, 'index.html'));
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(`preview built in ${Date.now() - started} ms: ${outdir} (${(bytes / 1e6).toFixed(1)} MB)`);
