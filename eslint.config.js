// @ts-check
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'test-results/', 'db/migrations/'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Forgetting to await an activity, a workflow API or a query loses errors silently.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code is replayed: it must be deterministic, so no I/O of any kind reaches it.
    files: ['workflows/**/*.ts', 'domain/**/*.ts', 'processes/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({
          name, message: 'Los workflows son deterministas: nada de módulos de Node.',
        })),
        patterns: [
          { group: ['drizzle-orm', 'drizzle-orm/*', 'postgres', '@electric-sql/*', 'fastify', '@fastify/*'], message: 'Sin base de datos ni HTTP en los workflows: use una actividad.' },
          // OpenTelemetry's API (workflows/tracing.ts) is no part of the Mesa's api/ folder.
          { group: ['**/db', '**/db/*', '**/api', '**/api/*', '!@opentelemetry/api', '**/engine/*', '**/runtime/*'], message: 'Sin base de datos ni HTTP en los workflows: use una actividad.', allowTypeImports: true },
          { group: ['**/activities', '**/activities/*'], message: 'Los workflows solo importan los tipos de las actividades (import type).', allowTypeImports: true },
        ],
      }],
    },
  },
  {
    // The process models are pure: no Temporal either (time and refusals are plain values).
    files: ['processes/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({
          name, message: 'Los modelos de proceso son puros: nada de módulos de Node.',
        })),
        patterns: [
          { group: ['@temporalio/*'], message: 'Los modelos de proceso no conocen Temporal: el workflow los conecta.' },
          { group: ['drizzle-orm', 'drizzle-orm/*', 'postgres', '@electric-sql/*', 'fastify', '@fastify/*'], message: 'Sin base de datos ni HTTP en los modelos de proceso.' },
          { group: ['**/db', '**/db/*', '**/api', '**/api/*', '**/engine/*', '**/runtime/*', '**/activities', '**/activities/*', '**/workflows', '**/workflows/*'], message: 'Los modelos de proceso no dependen de capas superiores.', allowTypeImports: true },
        ],
      }],
    },
  },
);
