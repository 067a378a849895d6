// Two projects: `core` runs model/compiler/cli tests in plain Node (proving they need no
// DOM); `dom` runs editor/widget tests in jsdom with JupyterLab's own jest preset.
const jupyterlabJest = require('@jupyterlab/testutils/lib/jest-config');

const core = {
  displayName: 'core',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/model', '<rootDir>/test/compiler', '<rootDir>/test/cli'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test-core.json' }]
  }
};

// ES-module-only packages that must go through babel (JupyterLab's list plus ours).
const esModules = [
  '@codemirror',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@jupyter/ydoc',
  '@jupyterlab/',
  '@microsoft',
  'color',
  'exenv-es6',
  'lib0',
  'marked',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const lab = jupyterlabJest(__dirname);
const dom = {
  displayName: 'dom',
  testEnvironment: lab.testEnvironment,
  setupFiles: lab.setupFiles,
  resolver: lab.resolver,
  moduleFileExtensions: lab.moduleFileExtensions,
  moduleNameMapper: lab.moduleNameMapper,
  roots: ['<rootDir>/test/editor', '<rootDir>/test/widget', '<rootDir>/test/runs', '<rootDir>/test/configs'],
  testMatch: ['**/*.spec.ts', '**/*.spec.tsx'],
  transform: {
    ...lab.transform,
    // Transpile only: `npm run build:lib` type-checks src; the tests stay fast.
    '^.+\\.tsx?$': [
      'ts-jest',
      {
        tsconfig: {
          isolatedModules: true,
          esModuleInterop: true,
          allowSyntheticDefaultImports: true,
          jsx: 'react',
          module: 'commonjs',
          target: 'ES2020',
          resolveJsonModule: true
        }
      }
    ]
  },
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};

module.exports = {
  projects: [core, dom]
};
