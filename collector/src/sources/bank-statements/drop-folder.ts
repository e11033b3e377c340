import { constants } from 'node:fs';
import { copyFile, mkdir, readdir, rename, stat, unlink, writeFile, access } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

/**
 * The drop folder on disk: which files are ready to import, and moving a file to the archive
 * (imported) or to quarantine (with a `.reason.txt` beside it). Only regular files directly in the
 * folder count; hidden files (`.name`), editor and transfer leftovers (`~`, `.tmp`, `.part`,
 * `.partial`, `.filepart`, `.crdownload`) and files modified less than `settleMs` ago (still
 * being written) wait.
 */

export interface DropFolderPaths {
  readonly dropDir: string;
  readonly archiveDir: string;
  readonly quarantineDir: string;
}

export interface ReadyFile {
  readonly name: string;
  readonly path: string;
  readonly size: number;
}

const IN_PROGRESS = new Set(['.tmp', '.part', '.partial', '.filepart', '.crdownload', '.swp']);

/** Creates the three folders if missing. */
export async function ensureDropFolders(paths: DropFolderPaths): Promise<void> {
  await mkdir(paths.dropDir, { recursive: true });
  await mkdir(paths.archiveDir, { recursive: true });
  await mkdir(paths.quarantineDir, { recursive: true });
}

/** Files ready to import, by name. `nowMs` is wall-clock time (file times are). */
export async function listReadyFiles(dropDir: string, nowMs: number, settleMs: number): Promise<ReadyFile[]> {
  const dirents = await readdir(dropDir, { withFileTypes: true });
  const ready: ReadyFile[] = [];
  for (const dirent of dirents) {
    if (!dirent.isFile()) continue;
    const name = dirent.name;
    if (name.startsWith('.') || name.startsWith('~') || name.endsWith('~') || IN_PROGRESS.has(extname(name).toLowerCase())) continue;
    const path = join(dropDir, name);
    let info;
    try {
      info = await stat(path);
    } catch {
      continue; // moved away meanwhile
    }
    if (nowMs - info.mtimeMs < settleMs) continue;
    ready.push({ name, path, size: info.size });
  }
  return ready.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Moves `path` into `dir` under its own name, or `name.<tag>` + extension when that is taken.
 * Returns the new path. Falls back to copy + delete across file systems.
 */
export async function moveInto(path: string, dir: string, tag: string): Promise<string> {
  const name = basename(path);
  let target = join(dir, name);
  if (await exists(target)) {
    const ext = extname(name);
    const stem = ext === '' ? name : name.slice(0, -ext.length);
    target = join(dir, `${stem}.${tag}${ext}`);
    for (let n = 2; await exists(target); n++) target = join(dir, `${stem}.${tag}-${n}${ext}`);
  }
  try {
    await rename(path, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(path, target, constants.COPYFILE_EXCL);
    await unlink(path);
  }
  return target;
}

/** Moves a file to quarantine and writes `<moved name>.reason.txt` beside it; returns the new path. */
export async function quarantine(path: string, quarantineDir: string, tag: string, reason: QuarantineReason): Promise<string> {
  const target = await moveInto(path, quarantineDir, tag);
  const lines = [
    `file: ${reason.fileName}`,
    `format: ${reason.format}`,
    `where: ${reason.where}`,
    `problem: ${reason.problem}`,
    `sha256: ${reason.contentHash}`,
    `quarantined at: ${new Date(reason.at).toISOString()}`,
    '',
    'Fix the file (or ask the bank for a corrected one) and drop it into the folder again.',
    '',
  ];
  await writeFile(`${target}.reason.txt`, lines.join('\n'), 'utf8');
  return target;
}

export interface QuarantineReason {
  readonly fileName: string;
  readonly format: string;
  readonly where: string;
  readonly problem: string;
  readonly contentHash: string;
  readonly at: number;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
