/**
 * A small bounded cache of compiled policies, keyed by kind, owner account, id and version: a new version
 * is a new key, so an edited policy is never served stale. Least-recently-used entries leave first.
 * The caller owns the instance (no module-level state), e.g. one per evaluator host.
 */
import { compilePolicy } from './compile.js';
import type { CompileOptions, CompiledPolicy, PolicyDocument } from './types.js';

export class PolicyCache {
  private readonly entries = new Map<string, CompiledPolicy>();

  constructor(readonly maxEntries = 1000) {
    if (!(maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The compiled policy for `options.id` + `options.version`, compiling `document` only on a miss. */
  compile(document: PolicyDocument | string, options: CompileOptions): CompiledPolicy {
    const key = `${options.kind}\u0000${options.account}\u0000${options.id}\u0000${String(options.version)}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const compiled = compilePolicy(document, options);
    this.entries.set(key, compiled);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return compiled;
  }

  /** Drops every version of a policy, e.g. when it is deleted. */
  evict(id: string): void {
    for (const [key, p] of this.entries) if (p.id === id) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
