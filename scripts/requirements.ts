/**
 * Writes docs/requirements.md: every requirement id with its one line (docs/requirements.src.json), the
 * source files that cite it and the tests that cite it. The file lists come from the tree, never from a
 * hand-kept table, so moving a file changes the page at the next run and cannot leave it pointing nowhere.
 *
 *   npm run docs:requirements      (npx tsx scripts/requirements.ts)
 *
 * test/unit/docs/requirements.test.ts renders the page the same way and fails when the committed one
 * differs, or when the code cites an id that has no line in the source file.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';

export const SOURCE_FILE = 'docs/requirements.src.json';
export const PAGE_FILE = 'docs/requirements.md';
export const REGENERATE = 'npm run docs:requirements';

type Status = 'partly' | 'not built yet';

interface Requirement {
  text: string;
  status?: Status;
  note?: string;
}

interface RequirementSource {
  areas: { prefix: string; title: string }[];
  /** Tokens shaped like ids that are not requirements (`SHA-1`); `*` matches any digits. */
  notRequirementIds: string[];
  requirements: Record<string, Requirement>;
}

/** Where citations are looked for; "implemented in" takes the source side, "proved by" the test side. */
const SCANNED = ['src', 'test', 'bench', 'scripts', 'Dockerfile'];
/** Citations in these must have a line (the rest — scripts, Dockerfile — only add to "implemented in"). */
const CHECKED = ['src/', 'test/', 'bench/'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'results', '__snapshots__', 'artifacts', '.data']);
const TEXT_FILE = /\.(ts|js|cjs|mjs|json|sh)$|(^|\/)Dockerfile$/;
/** This script names ids only as examples in its prose; its citations mean nothing. */
const SELF = 'scripts/requirements.ts';

/** `LOGIN-3`, and the shorthands the code uses for several: `TEN-3..6`, `ROLE-1/2`. */
const CITATION = /\b([A-Z]{2,5})-(\d+)((?:(?:\.\.|\/)\d+)*)\b/g;

export function citedIds(text: string): string[] {
  const ids: string[] = [];
  for (const m of text.matchAll(CITATION)) {
    const prefix = m[1] ?? '';
    let last = Number(m[2]);
    ids.push(`${prefix}-${last}`);
    for (const step of (m[3] ?? '').matchAll(/(\.\.|\/)(\d+)/g)) {
      const n = Number(step[2]);
      // A range spans at most a section of the spec; anything longer is not a range of ids.
      if (step[1] === '..' && n > last && n - last <= 30) for (let i = last + 1; i < n; i++) ids.push(`${prefix}-${i}`);
      ids.push(`${prefix}-${n}`);
      last = n;
    }
  }
  return ids;
}

async function walk(root: string, rel: string, out: string[]): Promise<void> {
  const info = await stat(join(root, rel)).catch(() => null);
  if (info === null) return;
  if (info.isFile()) {
    if (TEXT_FILE.test(rel) && rel !== SELF) out.push(rel);
    return;
  }
  for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
    if (e.isDirectory() && SKIPPED_DIRS.has(e.name)) continue;
    if (e.isDirectory() || e.isFile()) await walk(root, `${rel}/${e.name}`, out);
  }
}

/** id → the files (relative, `/`-separated) that cite it. */
async function citations(root: string): Promise<Map<string, Set<string>>> {
  const files: string[] = [];
  for (const start of SCANNED) await walk(root, start, files);
  const byId = new Map<string, Set<string>>();
  for (const file of files) {
    const text = await readFile(join(root, file), 'utf8');
    for (const id of citedIds(text)) {
      let set = byId.get(id);
      if (set === undefined) byId.set(id, (set = new Set()));
      set.add(file);
    }
  }
  return byId;
}

const prefixOf = (id: string): string => id.slice(0, id.indexOf('-'));
const numberOf = (id: string): number => Number(id.slice(id.indexOf('-') + 1));
const byNumber = (a: string, b: string): number => numberOf(a) - numberOf(b);
const glob = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '\\d+')}$`);
const sorted = (files: Iterable<string>): string[] => [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const code = (files: readonly string[]): string => files.map((f) => `\`${f}\``).join(', ');

export interface RequirementsPage {
  markdown: string;
  /** Ids the code cites without a line in the source file; each says what to do. */
  problems: string[];
}

export async function renderRequirements(root: string): Promise<RequirementsPage> {
  const source = JSON.parse(await readFile(join(root, SOURCE_FILE), 'utf8')) as RequirementSource;
  const cited = await citations(root);
  const prefixes = new Set(source.areas.map((a) => a.prefix));
  const ignored = source.notRequirementIds.map(glob);

  const problems: string[] = [];
  for (const [id, files] of [...cited].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const checked = sorted(files).filter((f) => CHECKED.some((dir) => f.startsWith(dir)));
    if (checked.length === 0 || source.requirements[id] !== undefined) continue;
    if (prefixes.has(prefixOf(id))) {
      problems.push(
        `${id} is cited in ${checked.join(', ')} but has no line in ${SOURCE_FILE}: add one, then run \`${REGENERATE}\``,
      );
    } else if (!ignored.some((re) => re.test(id))) {
      problems.push(
        `${id} (in ${checked.join(', ')}) looks like a requirement id of no known area: add its area and line to ` +
          `${SOURCE_FILE} (or list it under notRequirementIds if it is not a requirement), then run \`${REGENERATE}\``,
      );
    }
  }

  const ids = Object.keys(source.requirements);
  for (const id of ids) if (!prefixes.has(prefixOf(id))) problems.push(`${id} in ${SOURCE_FILE} belongs to no area`);

  const sections: string[] = [];
  const notBuilt: string[] = [];
  for (const area of source.areas) {
    const lines = [`## ${area.title} (${area.prefix})`, ''];
    for (const id of ids.filter((i) => prefixOf(i) === area.prefix).sort(byNumber)) {
      const r = source.requirements[id] as Requirement;
      const files = sorted(cited.get(id) ?? []);
      const impl = files.filter((f) => !f.startsWith('test/') && !f.startsWith('bench/'));
      const tests = files.filter((f) => f.startsWith('test/') && !f.startsWith('test/support/'));
      const benches = files.filter((f) => f.startsWith('bench/'));
      lines.push(`- **${id}** ${r.text}`);
      if (r.status !== undefined) lines.push(`  - **${r.status}**${r.note === undefined ? '' : `: ${r.note}`}`);
      if (r.status === 'not built yet') notBuilt.push(files.length === 0 ? `${id} (not cited anywhere yet)` : id);
      lines.push(
        `  - ${r.status === undefined ? 'implemented in' : 'cited in'}: ${impl.length === 0 ? '—' : code(impl)}`,
      );
      if (r.status !== 'not built yet' || tests.length > 0)
        lines.push(`  - proved by: ${tests.length === 0 ? '—' : code(tests)}`);
      if (benches.length > 0) lines.push(`  - measured by: ${code(benches)}`);
    }
    sections.push(lines.join('\n'));
  }

  const markdown = [
    '# Requirements',
    '',
    `<!-- Generated by \`${REGENERATE}\` (scripts/requirements.ts) from ${SOURCE_FILE} and the source tree. Edit those, not this page. -->`,
    '',
    'What the gateway must do, one line per requirement. Each requirement has a stable id (`LOGIN-3`): the',
    'code, the tests and the commit messages cite it, and this page is built from those citations.',
    '',
    '- **implemented in**: the files under `src/` (and the Dockerfile or scripts) that cite the id.',
    '- **proved by**: the test files under `test/` that cite it; **measured by**: the benchmarks in `bench/`.',
    '- **partly** / **not built yet**: what exists so far; the files **cited in** there only prepare it.',
    '- A dash means no file cites the id yet, not that nothing does the work: cite it where it is done.',
    '',
    `Not built yet: ${notBuilt.join(', ')}.`,
    '',
    ...sections.flatMap((s) => [s, '']),
    '## How to add a requirement',
    '',
    '1. Pick the id: the area prefix (`TEN`, `ENT`, `PWD`, `LOGIN`, `ROLE`, `FED`, `POL`, `TOK`, `KEY`, `OPS`)',
    '   and the next free number of that area. Ids are never reused or renumbered. A new area needs a new',
    `   entry under \`areas\` in \`${SOURCE_FILE}\`.`,
    `2. Add its line under \`requirements\` in \`${SOURCE_FILE}\`: one sentence, in plain words, of what a`,
    '   user or operator can rely on. While it is unfinished, add `"status": "partly"` or `"not built yet"`',
    '   and a short `note`; remove them when it is done.',
    '3. Cite the id where it is done (a comment in the module that implements it) and in the test that',
    "   proves it (the test's name or a comment): `describe('lockout (LOGIN-3)', …)`. Name it in the commit",
    '   message too.',
    `4. Run \`${REGENERATE}\` and commit the page with the change. \`test/unit/docs/requirements.test.ts\``,
    '   fails while the page is stale, or when the code cites an id that has no line here.',
    '',
  ].join('\n');
  const options = (await prettier.resolveConfig(join(root, PAGE_FILE))) ?? {};
  return { markdown: await prettier.format(markdown, { ...options, filepath: join(root, PAGE_FILE) }), problems };
}

async function main(): Promise<void> {
  const root = join(import.meta.dirname, '..');
  const { markdown, problems } = await renderRequirements(root);
  if (problems.length > 0) {
    for (const p of problems) console.error(`requirements: ${p}`);
    process.exitCode = 1;
    return;
  }
  await writeFile(join(root, PAGE_FILE), markdown);
  console.log(`requirements: wrote ${relative(process.cwd(), join(root, PAGE_FILE)) || PAGE_FILE}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
