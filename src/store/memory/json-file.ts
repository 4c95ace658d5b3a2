import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Persistence of the memory store (`store.memoryFile`): the whole snapshot is rewritten, debounced, to a
 * temp file that is then renamed over the target, so a crash mid-write leaves the previous file intact.
 */
export class JsonFile<T> {
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly snapshot: () => T,
    private readonly debounceMs = 50,
  ) {}

  /** A missing file is an empty store; a corrupt one is an error (better than silently starting empty). */
  async load(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.write();
    }, this.debounceMs);
    // A pending write must not keep a finished process (or test worker) alive; close() flushes instead.
    this.timer.unref();
  }

  async flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
      await this.write();
    }
    await this.writing;
  }

  /** Writes are chained so two renames never interleave. */
  private write(): Promise<void> {
    const data = JSON.stringify(this.snapshot());
    this.writing = this.writing.then(async () => {
      const tmp = `${this.path}.${process.pid}.tmp`;
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(tmp, data, 'utf8');
      await rename(tmp, this.path);
    });
    return this.writing;
  }
}
