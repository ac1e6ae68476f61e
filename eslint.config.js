// ESLint for the whole repository: typescript-eslint's recommended rules with type information (for the
// promise rules that catch a forgotten await), React's hook rules in the renderer, and the world
// boundaries: src/shared imports nothing outside itself, the renderer never imports Node-side code, and
// the server never imports the renderer or Electron's main process. `npm test` runs it.
import js from '@eslint/js';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Import patterns a world may not use, with the reason shown in the error. */
const outside = (worlds, why) => worlds.map((w) => ({ group: [`**/${w}/**`, `../${w}/**`, `../../${w}/**`], message: why }));

export default tseslint.config(
  {
    ignores: ['out/**', 'node_modules/**', 'test-results/**', '.cache/**', 'resources/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  comments.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A disable comment must say why (`// eslint-disable-next-line rule -- reason`).
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
      '@eslint-community/eslint-comments/disable-enable-pair': ['error', { allowWholeFile: true }],
      // A promise nobody awaits loses its error; mark deliberate fire-and-forget with `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // A `let` read by a closure before its one assignment must stay a `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-control-regex': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Plain JavaScript (scripts, configs) is not in a tsconfig project.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...outside(['server', 'main', 'preload', 'renderer'], 'src/shared is world-free: it imports only src/shared and pure packages')] },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [...outside(['server', 'main'], 'the renderer runs in a browser: it reaches Node-side code only through window.studio or the protocol')],
          paths: ['fs', 'path', 'os', 'child_process', 'electron'].flatMap((name) => [
            { name, message: 'the renderer has no Node or Electron APIs' },
            { name: `node:${name}`, message: 'the renderer has no Node APIs' },
          ]),
        },
      ],
    },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...outside(['renderer', 'main', 'preload'], 'the SFU service runs alone: it may not import the studio')] },
      ],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...outside(['server', 'main', 'renderer'], 'the preload only bridges window.studio to IPC')] },
      ],
    },
  },
);
