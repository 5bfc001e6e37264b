/** File lists from pickers and drops, folders included, with their relative paths (for labels). */
import type { FileEntry } from '../../worker/api';

export function fromInput(list: FileList | null): FileEntry[] {
  return Array.from(list ?? [], (file) => ({ file, path: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name }));
}

type Entry = { isFile: boolean; isDirectory: boolean; name: string; fullPath: string };
type FileSysFile = Entry & { file(ok: (f: File) => void, err: (e: unknown) => void): void };
type FileSysDir = Entry & { createReader(): { readEntries(ok: (e: Entry[]) => void, err: (e: unknown) => void): void } };

async function walk(entry: Entry, out: FileEntry[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((ok, err) => (entry as FileSysFile).file(ok, err));
    out.push({ file, path: entry.fullPath.replace(/^\//, '') });
  } else if (entry.isDirectory) {
    const reader = (entry as FileSysDir).createReader();
    for (;;) {
      const batch = await new Promise<Entry[]>((ok, err) => reader.readEntries(ok, err));
      if (!batch.length) break;
      for (const e of batch) await walk(e, out);
    }
  }
}

export async function fromDrop(dt: DataTransfer): Promise<FileEntry[]> {
  const entries: Entry[] = [];
  for (const it of Array.from(dt.items ?? [])) {
    const e = it.webkitGetAsEntry?.() as unknown as Entry | null;
    if (e) entries.push(e);
  }
  if (!entries.length) return fromInput(dt.files);
  const out: FileEntry[] = [];
  for (const e of entries) await walk(e, out);
  return out;
}
