import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['dist', 'build', 'node_modules', 'test-results', 'playwright-report', 'bench/results'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The UI uses a session; it never creates providers itself, so each dependency's internals stay in one subsystem.
      'no-restricted-imports': ['error', { paths: ['y-webrtc', 'y-indexeddb'].map((name) => ({ name, message: 'src/ui uses a session from src/collab' })) }],
    },
  },
  {
    files: ['src/collab/**/*.ts', 'src/editor/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['signaling/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.{ts,js}', '*.config.{ts,js}'],
    languageOptions: { globals: globals.node },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
)
