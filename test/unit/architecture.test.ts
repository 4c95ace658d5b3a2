import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cruise, type IReporterOutput } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

/**
 * The layering (docs/architecture.md) as a test: dependency-cruiser with the repository's own rules
 * (.dependency-cruiser.cjs) over src/. The second block proves the rules bite: it copies src/ aside, adds
 * one violation of each kind and expects exactly that rule to fire.
 */
const ROOT = join(import.meta.dirname, '..', '..');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

async function violations(baseDir: string): Promise<Violation[]> {
  const options = await extractDepcruiseOptions(join(ROOT, '.dependency-cruiser.cjs'));
  const tsConfig = extractTSConfig(join(ROOT, 'tsconfig.json'));
  const result: IReporterOutput = await cruise(['src'], { ...options, baseDir }, {}, { tsConfig });
  if (typeof result.output === 'string') throw new Error('dependency-cruiser returned text, expected its JSON result');
  return result.output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

describe('architecture (dependency-cruiser, .dependency-cruiser.cjs)', () => {
  it('src/ has no import cycle and no forbidden import', async () => {
    const found = await violations(ROOT);
    // The list itself is the failure message: which rule, which import.
    expect(found).toEqual([]);
  });

  describe('the rules catch what they forbid (a copy of src/ with one violation each)', () => {
    let copy: string;
    beforeAll(async () => {
      copy = await mkdtemp(join(tmpdir(), 'iamgw-arch-'));
      await cp(join(ROOT, 'src'), join(copy, 'src'), { recursive: true });
      await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    });
    afterAll(async () => {
      await rm(copy, { recursive: true, force: true });
    });

    const cases: { rule: string; file: string; text: string }[] = [
      { rule: 'no-file-cycles', file: 'src/policy/probe-a.ts', text: "import './probe-b.js';\nexport const a = 1;\n" },
      {
        rule: 'no-folder-cycles',
        file: 'src/policy/probe-up.ts',
        text: "import '../login/index.js';\nexport const up = 1;\n",
      },
      {
        rule: 'mongoose-only-in-mongo-adapters',
        file: 'src/login/probe-mongoose.ts',
        text: "import mongoose from 'mongoose';\nexport const m = mongoose;\n",
      },
      {
        rule: 'koa-only-in-http',
        file: 'src/iam/probe-koa.ts',
        text: "import Koa from 'koa';\nexport const k = Koa;\n",
      },
      {
        rule: 'ioredis-only-in-redis-adapters',
        file: 'src/tokens/probe-redis.ts',
        text: "import { Redis } from 'ioredis';\nexport const r = Redis;\n",
      },
      {
        rule: 'adapters-only-from-composition-root',
        file: 'src/login/probe-adapter.ts',
        text: "import { MemorySessionStore } from '../sessions/memory.js';\nexport const s = MemorySessionStore;\n",
      },
    ];

    it.each(cases)('$rule fires on $file', async ({ rule, file, text }) => {
      const extra =
        rule === 'no-file-cycles'
          ? [{ file: 'src/policy/probe-b.ts', text: "import './probe-a.js';\nexport const b = 1;\n" }]
          : [];
      for (const f of [{ file, text }, ...extra]) await writeFile(join(copy, f.file), f.text);
      try {
        const found = await violations(copy);
        expect(found.filter((v) => v.rule === rule).length).toBeGreaterThan(0);
        // Nothing but the probe is wrong: every violation involves a probe file.
        expect(
          found.every((v) => v.from.includes('probe') || v.to.includes('probe') || v.rule === 'no-folder-cycles'),
        ).toBe(true);
      } finally {
        for (const f of [{ file }, ...extra]) await rm(join(copy, f.file), { force: true });
      }
    });
  });
});
