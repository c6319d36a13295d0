// ESLint (flat config): typescript-eslint recommended rules plus the architecture's import
// boundaries (../shared/architecture.md): the engine is pure, the graph layer knows no engine,
// resolvers call services only.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'web/src/api/__generated__/**',
      '.neo4j/**',
      'test-results/**',
      'coverage/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['server/src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['neo4j-driver', '**/graph/**', '**/services/**', '**/resolvers/**', 'node:*', 'fs', 'path'],
              message: 'the engine is pure: it imports domain/types and domain/errors only',
            },
          ],
        },
      ],
    },
  },
  {
    // domain/ is the vocabulary (types, errors, the model document and its validation): nothing above it.
    files: ['server/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['neo4j-driver', '**/graph/**', '**/engine/**', '**/services/**', '**/resolvers/**'],
              message: 'domain/ is the vocabulary and imports nothing above it',
            },
          ],
        },
      ],
    },
  },
  {
    // importers, exporters and the command line are pure over files and documents: no database,
    // no request layer, no worker pool (the CLI runs the engine in its own thread)
    files: ['server/src/importers/**/*.ts', 'server/src/exporters/**/*.ts', 'server/src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'neo4j-driver',
                '**/graph/**',
                '**/resolvers/**',
                '**/workers/**',
                '**/services/**',
                '!**/services/analysis-defaults',
                '!**/services/risk-totals',
              ],
              message: 'importers, exporters and the CLI are pure: domain, engine and the pure analysis helpers only',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/graph/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine/**', '**/resolvers/**', '**/services/**'],
              message: 'graph/ only loads and stores',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/resolvers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['neo4j-driver', '**/graph/**', '**/engine/**'],
              message: 'resolvers are thin: call services through the context',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['tools/**/*.{mjs,cjs}', '**/*.cjs', 'bench/**/*.ts', 'web/bench/**/*.mjs'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
