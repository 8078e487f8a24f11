import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['dist', 'build', 'node_modules', 'test-results', 'playwright-report', 'bench/results', 'bench/stock/dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Each dependency's internals have one owner: y-webrtc is network/'s, y-indexeddb storage/'s.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'y-webrtc', message: 'only src/network/ uses y-webrtc; use a session' },
            { name: 'y-indexeddb', message: 'only src/storage/ uses y-indexeddb; use a LocalCopy' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/network/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'y-indexeddb', message: 'only src/storage/ uses y-indexeddb' }] }] },
  },
  {
    files: ['src/storage/**/*.ts', 'src/library/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'y-webrtc', message: 'only src/network/ uses y-webrtc' }] }] },
  },
  {
    files: ['src/**/*.test.ts', 'src/editor/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The core runs in a browser and in Node: page globals only in the small browser adapters.
    files: ['src/{network,document,presence,session,room}/**/*.ts'],
    ignores: ['src/session/browserSession.ts', 'src/session/earlySignaling.ts', 'src/session/pageLifecycle.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'localStorage', 'sessionStorage', 'indexedDB', 'navigator', 'location', 'history'].map((name) => ({
          name,
          message: 'the session core runs in Node too: reach the page through an adapter (src/session/browserSession.ts)',
        })),
      ],
    },
  },
  {
    files: ['signaling/**/*.ts', 'peer/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.{ts,js}', '*.config.{ts,js}'],
    languageOptions: { globals: globals.node },
  },
  {
    // The stock stack's page runs in the browser.
    files: ['bench/stock/main.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
)
