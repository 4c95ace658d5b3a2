/**
 * The layering of iam-gateway, kept by test/unit/architecture.test.ts (docs/architecture.md draws it).
 * Paths are relative to the repository root. A rule's `comment` is what a contributor reads when it fails.
 */
const ADAPTERS = '^src/(store/(memory|mongo)/|sessions/(memory|redis[^/]*)\\.ts$)';
const COMPOSITION_ROOT = '^src/(app|adapters|bootstrap|main)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-file-cycles',
      comment: 'Modules import each other in a circle: move what both need into a third module.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders import each other in a circle: the lower folder must not know the upper one.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'koa-only-in-http',
      comment: 'Koa is the HTTP edge: only src/http (and the composition root) may import it.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/http/', COMPOSITION_ROOT] },
      to: { path: '(^|/)node_modules/(koa|@koa/[^/]+|@types/koa[^/]*)/' },
    },
    {
      name: 'mongoose-only-in-mongo-adapters',
      comment: 'mongoose belongs to the mongo adapters (src/store/mongo); capabilities use the ports.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/mongo/' },
      to: { path: '(^|/)node_modules/(mongoose|mongodb)/' },
    },
    {
      name: 'ioredis-only-in-redis-adapters',
      comment:
        'ioredis belongs to the redis adapters (src/sessions/redis*.ts); capabilities use the SessionStore port.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/sessions/redis[^/]*\\.ts$' },
      to: { path: '(^|/)node_modules/ioredis/' },
    },
    {
      name: 'adapters-only-from-composition-root',
      comment:
        'Only the composition root (src/app.ts, src/adapters.ts) picks an adapter; everyone else imports the port.',
      severity: 'error',
      from: { path: '^src/', pathNot: [COMPOSITION_ROOT, ADAPTERS] },
      to: { path: ADAPTERS },
    },
    {
      name: 'adapters-stay-in-their-folder',
      comment: 'An adapter may use its own folder, the ports and shared helpers, never another adapter family.',
      severity: 'error',
      from: { path: '^src/store/memory/' },
      to: { path: '^src/(store/mongo/|sessions/(memory|redis))' },
    },
    {
      name: 'evaluator-is-pure',
      comment: 'src/policy and src/srn are the shared evaluator: no imports outside themselves, no packages.',
      severity: 'error',
      from: { path: '^src/(policy|srn)/' },
      to: { pathNot: ['^src/(policy|srn)/', '^node:'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'http-is-the-edge',
      comment: 'Nothing below the HTTP edge imports src/http: capabilities return results, http translates them.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/http/', COMPOSITION_ROOT] },
      to: { path: '^src/http/' },
    },
    {
      name: 'no-composition-root-imports',
      comment: 'The composition root imports everything; nothing imports it back.',
      severity: 'error',
      from: { path: '^src/', pathNot: COMPOSITION_ROOT },
      to: { path: COMPOSITION_ROOT },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|coverage)/' },
  },
};
