/**
 * Files an auditor is handed (an export, a snapshot) appear whole or not at all: written beside the
 * target, synced, then renamed over it; on any failure the half-written file is removed.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const writeFileAtomically = async <T>(path: string, write: (handle: FileHandle) => Promise<T>): Promise<T> => {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const handle = await open(temporary, 'wx');
    let result: T;
    try {
      result = await write(handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    return result;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
};
