// Temporal guardrails: no floating promises anywhere; workflow code may not import Node built-ins or I/O
// libraries (they break determinism and the workflow bundle).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import { boundaries } from './eslint.boundaries.mjs';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]).filter((m) => m !== 'assert');

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'coverage/**',
      '.data/**',
      'eslint.config.mjs',
      'eslint.boundaries.mjs',
      'jest.config.js',
      'test/sequencer.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'bench/per-fan/workflow.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'Workflows must be deterministic: do I/O in an activity.',
            })),
            ...['pg', 'slonik', 'axios', 'express', 'stripe', 'pino'].map((name) => ({
              name,
              message: 'Workflows must be deterministic: do I/O in an activity.',
            })),
          ],
          patterns: [
            {
              regex: '^(\\.\\.?/)+(.*/)?(activities|db|api|lib|workers)(/.*)?$',
              allowTypeImports: true,
              message: 'Workflows import only @temporalio/workflow and types: call activities through proxyActivities.',
            },
          ],
        },
      ],
    },
  },
  {
    // All SQL lives in db/, one module per table or aggregate (DESIGN.md): outside it, neither slonik's sql tag
    // nor a query written with it. no-restricted-syntax rather than no-restricted-imports, so this rule and the
    // import-boundary rules for the same folders do not override each other (flat config keeps one per rule).
    files: ['api/**/*.ts', 'activities/**/*.ts', 'lib/**/*.ts', 'workers/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          "ImportDeclaration[source.value=/db.pool$/] ImportSpecifier[imported.name='sql']",
          "ImportDeclaration[source.value='slonik'] ImportSpecifier[imported.name=/^(sql|createSqlTag)$/]",
          "TaggedTemplateExpression[tag.name='sql']",
          "TaggedTemplateExpression[tag.type='MemberExpression'][tag.object.name='sql']",
          "TaggedTemplateExpression[tag.type='CallExpression'][tag.callee.object.name='sql']",
        ].map((selector) => ({
          selector,
          message: "SQL lives in db/: call (or add) a function of the table's db/ module.",
        })),
      ],
    },
  },
  ...boundaries,
);
