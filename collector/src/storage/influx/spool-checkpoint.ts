import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileDurably } from './durable-file';

/** A place in the spool: a segment number and a byte offset inside it (always a frame boundary). */
export interface SpoolPosition {
  readonly segment: number;
  readonly offset: number;
}

/** Orders positions: negative when a is before b, 0 when equal, positive when after. */
export function comparePositions(a: SpoolPosition, b: SpoolPosition): number {
  return a.segment !== b.segment ? a.segment - b.segment : a.offset - b.offset;
}

export const CHECKPOINT_FILE = 'checkpoint.json';

/** What reading the checkpoint file found. */
export type CheckpointReadResult =
  | { status: 'found'; position: SpoolPosition }
  | { status: 'absent' }
  | { status: 'unreadable'; reason: string };

/** Reads `<dir>/checkpoint.json`: how far the shipper has written the spool into InfluxDB. */
export async function readCheckpoint(dir: string): Promise<CheckpointReadResult> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, CHECKPOINT_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'absent' };
    return { status: 'unreadable', reason: (error as Error).message };
  }
  try {
    const parsed = JSON.parse(text) as { version?: unknown; segment?: unknown; offset?: unknown };
    const { segment, offset } = parsed;
    if (
      parsed.version === 1 &&
      typeof segment === 'number' &&
      typeof offset === 'number' &&
      Number.isSafeInteger(segment) &&
      Number.isSafeInteger(offset) &&
      segment >= 1 &&
      offset >= 0
    ) {
      return { status: 'found', position: { segment, offset } };
    }
    return { status: 'unreadable', reason: `unexpected content ${JSON.stringify(text.slice(0, 100))}` };
  } catch (error) {
    return { status: 'unreadable', reason: `not JSON (${(error as Error).message})` };
  }
}

/** Writes the checkpoint atomically and durably (temp file, fsync, rename, fsync of the directory). */
export async function writeCheckpoint(dir: string, position: SpoolPosition): Promise<void> {
  const body = JSON.stringify({ version: 1, segment: position.segment, offset: position.offset });
  await writeFileDurably(path.join(dir, CHECKPOINT_FILE), `${body}\n`);
}
