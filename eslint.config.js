// SPDX-License-Identifier: Apache-2.0
// Lint: typescript-eslint + Nx module boundaries. The tags in each project's package.json
// ("nx": {"tags": [...]}) decide who may import whom; the pure IPAM domain may not import any
// I/O library.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

const IO_LIBRARIES = ['@kubernetes/client-node', 'ioredis', '@grpc/grpc-js', 'fastify', 'node:fs', 'node:net', 'node:http', 'node:https', 'node:child_process'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', 'libs/proto/src/gen/**', 'coverage/**', 'tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:util', 'type:proto'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:util', 'type:proto'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:util'], bannedExternalImports: IO_LIBRARIES },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:proto', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:util', 'type:proto'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:util', 'type:proto', 'type:e2e'] },
            { sourceTag: 'scope:cni', onlyDependOnLibsWithTags: ['scope:cni'] },
          ],
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Optional chaining and ?? count as branches here, so mapping code needs some headroom.
      complexity: ['error', { max: 20 }],
      'max-depth': ['error', 3],
      'max-params': ['error', 4],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int.ts', 'e2e/**/*.ts', 'scripts/**/*.ts', 'tools/**/*.ts'],
    rules: { 'no-console': 'off', complexity: 'off', 'max-params': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
