import fs from 'node:fs';
import path from 'node:path';

/** Pids of influxd processes whose command line names a path inside `dataDir` (read from /proc). */
export function influxdPidsUsing(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = fs.readFileSync(path.join('/proc', entry, 'cmdline'), 'utf8').split('\0');
    } catch {
      continue; // exited meanwhile
    }
    if (path.basename(argv[0] ?? '') === 'influxd' && argv.some((a) => a.startsWith(dataDir + path.sep))) pids.push(Number(entry));
  }
  return pids;
}
