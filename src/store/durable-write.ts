// Crash-safe replacement of a file: write a temp file beside it, fsync it, rename it over the target,
// fsync the directory. A crash at any point leaves either the old file or the new one, never a mix.
// (write-file-atomic does the first three steps but not the directory fsync, which makes the rename
// itself durable.)
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

const TEMP_SUFFIX = '.tmp';

export async function writeFileDurably(path: string, data: string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `${tempPrefix(path)}${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  const file = await open(temp, 'wx', mode);
  try {
    try {
      await file.writeFile(data, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    // Some file systems cannot fsync a directory; the rename is then as durable as they allow.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw err;
  } finally {
    await handle.close();
  }
}

/**
 * Removes temp files a crashed writer left beside `path`. They were never renamed, so they are never
 * the live data; only names this module creates are touched.
 */
export async function removeStaleTempFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const prefix = tempPrefix(path);
  const pattern = /^\d+\.[0-9a-f]{12}\.tmp$/;
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    if (!name.startsWith(prefix) || !pattern.test(name.slice(prefix.length))) continue;
    await unlink(join(dir, name)).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}
