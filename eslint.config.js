// Lint: typescript-eslint's recommended rules plus the layer boundaries of DESIGN.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const services = ['radius-server', 'portal', 'controller', 'dashboard'];

/** A service may import core/ and libraries, never another service; only core/db touches knex. */
const serviceBoundary = (self) => ({
  files: [`${self}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...services
            .filter((s) => s !== self)
            .map((s) => ({ group: [`**/${s}/**`, `**/${s}`], message: `a service never imports another service (${s})` })),
          { group: ['knex', 'pg', 'knex-pglite', '@electric-sql/pglite'], message: 'only core/db talks to the database driver' },
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-artifacts/**', '**/public/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...services.map(serviceBoundary),
  {
    files: ['core/**/*.ts'],
    ignores: ['core/db/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...services.map((s) => ({ group: [`**/${s}/**`], message: 'core/ imports no service' })),
            { group: ['knex', 'pg', 'knex-pglite'], message: 'only core/db talks to the database driver' },
          ],
        },
      ],
    },
  },
  {
    // Emulators and benchmarks stand where a router or a peer would: they may use core/, and drive
    // services only through their network protocols and the CLI.
    files: ['sim/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: services.map((s) => ({ group: [`**/${s}/**`, `**/${s}`], message: `sim/ and bench/ drive ${s} through its network protocol or the CLI, never by import` })) },
      ],
    },
  },
  {
    files: ['migrations/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../core/**', '../radius-server/**', '../portal/**', '../controller/**', '../dashboard/**'], message: 'migrations never import app code' }] },
      ],
    },
  },
  { files: ['scripts/**/*.mjs', 'eslint.config.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
