import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'test/fixtures/**', 'examples/**/dist/**', '.cache/**', 'test-output/**', 'bench/data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable', globalThis: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', performance: 'readonly', window: 'readonly', document: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly', AbortController: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  // Tool config files must default-export.
  { files: ['*.config.mjs'], rules: { 'no-restricted-syntax': 'off' } },
  {
    // The profile model (and the exporters built on it) is shared by extension, webview and CLI: no vscode, DOM or fs.
    files: ['src/model/**/*.ts', 'src/export/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['vscode', 'node:fs', 'fs', 'fs/*', 'node:fs/*'] }] },
  },
  {
    // Pure pieces shared by the extension host and the CLI (page/payload builders, the parse worker, message types): no vscode.
    files: ['src/webview-page/**/*.ts', 'src/parse/**/*.ts', 'src/protocol.ts', 'src/snapshot-protocol.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['vscode'] }] },
  },
  {
    // The model owns its types: it never imports the messages or the hosts built on it (no import cycles).
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['vscode', 'node:fs', 'fs', 'fs/*', 'node:fs/*', '../*', '!../model'] }],
    },
  },
);
