/** File system helpers: atomic writes (temp file + rename), existence checks under a root. */
import { promises as fs } from 'fs';
import * as path from 'path';

/** Writes `text` to `target` via a temp file in the same directory and a rename. */
export async function writeFileAtomic(target: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    await fs.writeFile(temp, text, 'utf8');
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/** Whether `relative` (posix, under `root`) names an existing file or directory. */
export function existsUnder(root: string): (relative: string) => Promise<boolean> {
  return async relative => {
    try {
      await fs.stat(path.join(root, ...relative.split('/')));
      return true;
    } catch {
      return false;
    }
  };
}

export async function isDirectory(target: string): Promise<boolean> {
  try {
    return (await fs.stat(target)).isDirectory();
  } catch {
    return false;
  }
}
