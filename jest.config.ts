// SPDX-License-Identifier: Apache-2.0
// Two projects: `unit` (pure logic, fakes of our own ports, no external processes) and
// `integration` (real kube-apiserver, etcd, Redis... brought up once per run by the test bed).
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023', keepClassNames: true },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.nx/'],
};

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools,e2e}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int.ts', '<rootDir>/e2e/**/*.e2e.ts'],
      globalSetup: '<rootDir>/e2e/testbed/global-setup.ts',
      globalTeardown: '<rootDir>/e2e/testbed/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/e2e/testbed/jest-setup.ts'],
    },
  ],
};
