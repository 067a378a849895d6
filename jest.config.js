// Two projects: `core` runs model/compiler/cli tests in plain Node (proving they need no
// DOM); `dom` runs editor/widget tests in jsdom with JupyterLab's own jest preset.
const core = {
  displayName: 'core',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/model', '<rootDir>/test/compiler', '<rootDir>/test/cli'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test-core.json' }]
  }
};

module.exports = {
  projects: [core]
};
