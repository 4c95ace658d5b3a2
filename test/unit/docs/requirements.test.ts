import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { citedIds, PAGE_FILE, REGENERATE, renderRequirements } from '../../../scripts/requirements.js';

/**
 * The documents a clone of this repository gets must stand alone: docs/requirements.md is what the generator
 * makes of the tree today, every id the code cites has its line, and README and docs link only to files
 * that are in the repository.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('docs/requirements.md (scripts/requirements.ts)', () => {
  it('is up to date, and every requirement id cited in src, test and bench has its line', async () => {
    const { markdown, problems } = await renderRequirements(ROOT);
    // The problems name each id, where it is cited and what to do.
    expect(problems).toEqual([]);
    const committed = await readFile(join(ROOT, PAGE_FILE), 'utf8');
    const verdict =
      committed === markdown ? 'up to date' : `${PAGE_FILE} is stale: run \`${REGENERATE}\` and commit it`;
    expect(verdict).toBe('up to date');
  });

  it('names every cited id without a line, and the command to run', async () => {
    // A tree of its own: one area, one described id, and code citing one undescribed id of that area,
    // one of an unknown area and one token listed as not a requirement.
    const root = await mkdtemp(join(tmpdir(), 'iamgw-req-'));
    try {
      const [known, other] = ['AREA', 'ZONE'];
      const source = {
        areas: [{ prefix: known, title: 'An area' }],
        notRequirementIds: ['SHA-*'],
        requirements: { [`${known}-1`]: { text: 'Something the product does.' } },
      };
      await mkdir(join(root, 'docs'));
      await mkdir(join(root, 'src'));
      await writeFile(join(root, 'docs/requirements.src.json'), JSON.stringify(source));
      await writeFile(join(root, 'src/a.ts'), `// ${known}-1, ${known}-2, ${other}-7, SHA-256\n`);
      const { markdown, problems } = await renderRequirements(root);
      expect(problems).toHaveLength(2);
      expect(problems[0]).toContain(`${known}-2 is cited in src/a.ts but has no line`);
      expect(problems[1]).toContain(`${other}-7 (in src/a.ts) looks like a requirement id`);
      for (const p of problems) expect(p).toContain(REGENERATE);
      expect(markdown).toContain(`**${known}-1** Something the product does.`);
      expect(markdown).toContain('implemented in: `src/a.ts`');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('reads the shorthands the code uses for several ids, and only whole ids', () => {
    const [p, q] = ['TEN', 'ROLE'];
    expect(citedIds(`see ${p}-3..6 and ${q}-1/2, not ${p}-10x or a${p}-1`)).toEqual([
      `${p}-3`,
      `${p}-4`,
      `${p}-5`,
      `${p}-6`,
      `${q}-1`,
      `${q}-2`,
    ]);
  });
});

/** Markdown files a reader of the repository opens: README, CONTRIBUTING and docs/ (not vendored ones). */
async function documents(): Promise<string[]> {
  const docs = (await readdir(join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  return ['README.md', 'CONTRIBUTING.md', ...docs];
}

/** Inline links and images `[text](target)` outside code, and reference definitions `[x]: target`. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? '');
  const refs = [...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1] ?? '');
  return [...inline, ...refs];
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to `-`, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = (m[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

describe('README and docs', () => {
  it('link only to files in the repository', async () => {
    const broken: string[] = [];
    for (const doc of await documents()) {
      for (const target of linkTargets(await readFile(join(ROOT, doc), 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // a URL
        const [file = '', anchor] = target.split('#');
        const path = file === '' ? join(ROOT, doc) : resolve(ROOT, dirname(doc), decodeURI(file));
        const inside = !relative(ROOT, path).startsWith('..');
        const exists = inside && (await stat(path).catch(() => null)) !== null;
        if (!exists) broken.push(`${doc}: ${target}`);
        else if (anchor !== undefined && path.endsWith('.md') && !anchorsOf(await readFile(path, 'utf8')).has(anchor)) {
          broken.push(`${doc}: ${target} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('name no document that lives outside the repository', async () => {
    const outside = /\.\.\/shared|(^|[\s(`'"])shared\/|\b(SPEC|DESIGN)\.md\b/;
    const found: string[] = [];
    for (const doc of await documents()) {
      const lines = (await readFile(join(ROOT, doc), 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (outside.test(line)) found.push(`${doc}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });
});
