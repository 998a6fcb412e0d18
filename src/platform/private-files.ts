import { chmod, mkdir } from 'node:fs/promises';

/**
 * Files under the data folder hold personal data (exports, faces, uploaded imports) or live links
 * (outbox mails): only Roster's own OS user may read them. Folders 0700, files 0600.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

/**
 * Creates `folder` (and its parents below `root`) as 0700. The root itself is tightened once per
 * process too, so a data folder made by an older version (0755) stops being readable by others.
 */
export async function ensurePrivateFolder(root: string, folder: string, tightened: Set<string>): Promise<void> {
  await mkdir(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  if (tightened.has(root)) return;
  await mkdir(root, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  await chmod(root, PRIVATE_FOLDER_MODE);
  tightened.add(root);
}
