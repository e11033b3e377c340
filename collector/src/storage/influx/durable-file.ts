import fs from 'node:fs/promises';
import path from 'node:path';

/** fsyncs a directory so that creations, renames and deletions of its entries survive a crash. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` atomically and durably: writes `<file>.tmp`, fsyncs it, renames it over `file`
 * and fsyncs the directory. After a crash the file holds either the old or the new content.
 */
export async function writeFileDurably(file: string, data: string | Buffer): Promise<void> {
  const temp = `${file}.tmp`;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, file);
  await fsyncDirectory(path.dirname(file));
}
