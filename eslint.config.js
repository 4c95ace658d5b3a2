/**
 * ESLint for iam-gateway: typescript-eslint's type-checked recommended set plus the few rules that catch real
 * defects in this code base (unawaited promises, promise-returning callbacks where void is expected, switches
 * that miss a union member, imports that cross a layer). Layout and whitespace belong to Prettier
 * (.prettierrc.json), so no formatting rule is enabled here: neither preset below turns one on any more, and
 * the stylistic presets are left out on purpose. `npm run lint` runs both tools.
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * Packages that belong to one layer (the same split test/unit/architecture.test.ts enforces through
 * .dependency-cruiser.cjs; the lint rule is there so the editor says it before the test does).
 */
const LAYER_PACKAGES = {
  koa: {
    group: ['koa', 'koa/*', '@koa/*', '@types/koa*'],
    message: 'Koa is the HTTP edge: only src/http and the composition root (src/app.ts, src/main.ts …) import it.',
  },
  mongoose: {
    group: ['mongoose', 'mongoose/*', 'mongodb', 'mongodb/*'],
    message: 'mongoose belongs to the mongo adapters (src/store/mongo); capabilities use the Store ports.',
  },
  ioredis: {
    group: ['ioredis', 'ioredis/*'],
    message: 'ioredis belongs to the redis adapters (src/sessions/redis*.ts); capabilities use the SessionStore port.',
  },
};

/** The no-restricted-imports entry that forbids every layer package except the ones named. */
function layerImports(...allowed) {
  const patterns = Object.entries(LAYER_PACKAGES)
    .filter(([name]) => !allowed.includes(name))
    .map(([, pattern]) => pattern);
  return { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] };
}

const COMPOSITION_ROOT = ['src/app.ts', 'src/adapters.ts', 'src/bootstrap.ts', 'src/main.ts'];

/** Node's CommonJS and ESM globals for the few plain-JS config files (no `globals` package needed for five names). */
const NODE_GLOBALS = {
  module: 'writable',
  require: 'readonly',
  process: 'readonly',
  console: 'readonly',
  __dirname: 'readonly',
};

export default defineConfig(
  {
    name: 'iam-gateway/ignores',
    ignores: ['dist/', 'node_modules/', '.data/', 'coverage/', 'bench/results/', 'test/artifacts/', '.scratch/'],
  },
  {
    name: 'iam-gateway/linter-options',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    name: 'iam-gateway/typescript',
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The `_` prefix marks a parameter or binding that is there for its position or to drop a key.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // verbatimModuleSyntax keeps `import type` in the output as written: a type used as a value is a bug tsc
      // reports, a value import used only as a type loads a module for nothing; this rule catches the second.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      '@typescript-eslint/consistent-type-exports': 'error',
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // A new union member (an error code, a store kind, a provider type) must reach every switch over it.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      // `return promise` inside try/catch skips the catch: await it there, nowhere else.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-misused-promises': 'error',
      // `x == null` is the one loose comparison worth keeping (null or undefined, the same to every caller).
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Port implementations are `async` without an `await` on purpose (the memory adapters answer at once):
      // the signature is the port's, and a throw still becomes a rejection.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    name: 'iam-gateway/tests',
    files: ['test/**/*.ts'],
    rules: {
      // Tests read JSON answers as they arrive and assert their shape; typing every body would restate the
      // API types the test is there to check. `any` itself is still spelled out only where a comment says why.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    name: 'iam-gateway/layers',
    files: ['src/**/*.ts'],
    rules: layerImports(),
  },
  { name: 'iam-gateway/layers/http', files: ['src/http/**/*.ts'], rules: layerImports('koa') },
  { name: 'iam-gateway/layers/composition-root', files: COMPOSITION_ROOT, rules: layerImports('koa') },
  { name: 'iam-gateway/layers/mongo', files: ['src/store/mongo/**/*.ts'], rules: layerImports('mongoose') },
  { name: 'iam-gateway/layers/redis', files: ['src/sessions/redis*.ts'], rules: layerImports('ioredis') },
  {
    name: 'iam-gateway/javascript',
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: NODE_GLOBALS },
  },
  {
    name: 'iam-gateway/commonjs',
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
