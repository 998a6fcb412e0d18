import { readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A process killed mid-write (SIGKILL, power loss) leaves its temporary files behind: the local store's
 * dot-named `.KEY.RANDOM.tmp` beside the object it was writing, and the private work folders a face
 * import or an XLSX read copies its archive into. Nothing refers to them; they hold personal data and
 * disk. None is legitimately this old: an upload or a copy takes minutes, not hours. A work folder
 * is read for as long as its job runs, so it is given a day.
 */
export const TEMPORARY_FILE_MAX_AGE_MS = 6 * 3600 * 1000;
export const WORK_FOLDER_MAX_AGE_MS = 24 * 3600 * 1000;

/** The work folders Roster makes with mkdtemp in the system temporary folder. */
export const WORK_FOLDER_PREFIXES = ['roster-faces-', 'roster-xlsx-', 'roster-read-'];

const isTemporaryName = (name: string) => name.startsWith('.') && name.endsWith('.tmp');

/** Removes dot-named `.tmp` files under `folder` (at any depth) last written before `olderThan`. Returns how many. */
export async function removeStaleTemporaryFiles(folder: string, olderThan: Date): Promise<number> {
  let removed = 0;
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) removed += await removeStaleTemporaryFiles(full, olderThan);
    else if (entry.isFile() && isTemporaryName(entry.name) && (await olderThanCutoff(full, olderThan))) {
      await rm(full, { force: true });
      removed++;
    }
  }
  return removed;
}

/** Removes Roster's own work folders in `parent` (the system temporary folder) not touched since `olderThan`. */
export async function removeStaleWorkFolders(olderThan: Date, parent = os.tmpdir()): Promise<number> {
  let removed = 0;
  const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || !WORK_FOLDER_PREFIXES.some((prefix) => entry.name.startsWith(prefix))) continue;
    const full = path.join(parent, entry.name);
    // Another user's folder (or one that went meanwhile) is not ours to judge.
    if (!(await olderThanCutoff(full, olderThan))) continue;
    try {
      await rm(full, { recursive: true, force: true });
      removed++;
    } catch {
      // Not ours (permissions): leave it.
    }
  }
  return removed;
}

async function olderThanCutoff(file: string, olderThan: Date): Promise<boolean> {
  try {
    return (await stat(file)).mtimeMs < olderThan.getTime();
  } catch {
    return false;
  }
}
