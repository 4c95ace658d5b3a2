/** The evaluator is a pure library (POL-9, DESIGN §1): nothing under src/policy or src/srn imports outside them. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');
const ROOTS = ['policy', 'srn'].map((d) => join(SRC, d));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module specifier: static imports, re-exports, `import type`, dynamic import() and require(). */
export function specifiers(source: string): string[] {
  const re =
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"`]([^'"`]+)|\brequire\s*\(\s*['"`]([^'"`]+)/g;
  return [...source.matchAll(re)].map((m) => (m[1] ?? m[2] ?? m[3] ?? m[4]) as string);
}

describe('import graph of src/policy and src/srn', () => {
  const all = ROOTS.flatMap(files);

  it('finds the modules', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  it.each(all.map((f) => [relative(SRC, f), f]))('%s imports only within src/policy and src/srn', (_name, file) => {
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      expect(spec.startsWith('.')).toBe(true); // no node: builtins, no npm packages
      const target = resolve(dirname(file), spec);
      expect(ROOTS.some((r) => target.startsWith(r + '/'))).toBe(true);
      expect(spec.endsWith('.js')).toBe(true);
    }
  });

  it('the specifier scanner sees the forms it must refuse', () => {
    const sample =
      "import x from 'node:fs';\nimport type { Y } from '../errors.js';\nexport * from 'zod';\nimport 'side';\nconst m = await import('os');";
    expect(specifiers(sample)).toEqual(['node:fs', '../errors.js', 'zod', 'side', 'os']);
  });
});
