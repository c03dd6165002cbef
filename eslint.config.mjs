// Lint rules that keep the layering honest: src -> adapter -> emulator, never backwards.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/ (the extension host) may import vscode.' };

export default tseslint.config(
  { ignores: ['dist/**', 'media/dist/**', 'node_modules/**', 'out/**', '**/*.elf', 'test/ui/output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['emulator/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode, { name: '@vscode/debugadapter', message: 'The emulator knows nothing of DAP.' },
          { name: '@vscode/debugprotocol', message: 'The emulator knows nothing of DAP.' }],
        patterns: [
          { group: ['**/adapter/**', '**/src/**', '**/media/**'], message: 'emulator/ must not import the adapter, the extension or webviews.' },
          { group: ['node:*', 'fs', 'path', 'child_process', 'os'], message: 'emulator/ is pure TypeScript: pass bytes in, get values out.' },
        ],
      }],
    },
  },
  {
    // The language server runs in its own process and works with any LSP client.
    files: ['lsp/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [{ group: ['**/src/**', '**/adapter/**', '**/media/**'], message: 'lsp/ builds on emulator/ only.' }],
      }],
    },
  },
  {
    files: ['adapter/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [{ group: ['**/src/**', '**/media/**'], message: 'adapter/ must not import the extension host or webviews.' }],
      }],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'test/**/*.mjs', 'bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', __dirname: 'readonly' } },
  },
  {
    // The bin launcher is plain CommonJS so that it runs on any Node without a loader.
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
