// ESLint flat config: type-checked linting of every TypeScript file the repository owns, run by
// `npm run lint` (and so by `npm test`). The rules beyond typescript-eslint's presets encode the
// house style of CONTRIBUTING.md. Globs, never file lists, so new folders are covered when they land.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Package code: what users import. Tests, examples and benchmarks relax a few rules below. */
const SOURCE = ['packages/*/src/**/*.ts', 'packages/server/dashboard/**/*.ts'];
/** Everything linted: what `tsconfig.json` (and the dashboard's own tsconfig) type-checks. */
const TYPED = [
  ...SOURCE,
  'packages/*/test/**/*.ts',
  'packages/*/*.config.ts',
  'examples/**/*.ts',
  'bench/**/*.ts',
  '*.config.ts',
];
const TESTS_AND_TOOLS = ['packages/*/test/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts'];

export default defineConfig(
  {
    // Built output, generated API docs, installed packages, the dashboard's bundle and reports.
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'docs/api/**',
      'coverage/**',
      'test-results/**',
      'test-artifacts/**',
      'bench/results/**',
    ],
  },
  {
    files: TYPED,
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked, tseslint.configs.stylisticTypeChecked],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      eqeqeq: ['error', 'always'],
      // A leading underscore marks a deliberate discard: `const { id: _id, ...rest } = row` drops a
      // field, `(_owner, x) =>` keeps a signature. Anything else unused is dead code.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `text || fallback` on a string is deliberate here: an empty CSV cell, header or query value
      // means "absent", which `??` would keep. Numbers, booleans and objects still get `??`.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: { string: true } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/ban-ts-comment': [
        'error',
        {
          'ts-expect-error': 'allow-with-description',
          'ts-ignore': true,
          'ts-nocheck': true,
          'ts-check': false,
          minimumDescriptionLength: 10,
        },
      ],
    },
  },
  {
    // Named exports only in the packages: one name per thing, the same at every import site.
    files: SOURCE,
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportDefaultDeclaration',
          message: 'Named exports only in packages/*/src (CONTRIBUTING.md).',
        },
        {
          selector: 'ExportNamedDeclaration > ExportSpecifier[exported.name="default"]',
          message: 'Named exports only in packages/*/src (CONTRIBUTING.md).',
        },
      ],
      // A library writes nothing to the console on its own: output goes through a logger or an event.
      // The few places that mean it say so inline; the server's entry point is below.
      'no-console': 'error',
    },
  },
  {
    // The server's process entry point: a config error goes to stderr before the logger exists.
    files: ['packages/server/src/main.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests, examples and benchmarks read JSON bodies from fetch and WebSocket frames, typed `any` on
    // purpose (`TestServer.request` returns `body: any`): asserting on `res.body.items[0].amount` is
    // the test, and a schema per response would only restate what the assertion checks. So the
    // unsafe-* family, which flags every use of such a value, is off here and stays on in packages/*/src.
    files: TESTS_AND_TOOLS,
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Fakes of async interfaces (a store's read(), a migration provider, a cleanup) are written
      // `async` with no await so that a throw becomes a rejection, as in the real thing.
      '@typescript-eslint/require-await': 'off',
      // `.catch(() => {})` on best-effort cleanup and no-op callbacks are what a test means.
      '@typescript-eslint/no-empty-function': 'off',
    },
  },
);
