/**
 * Jest: `npm run test:fixtures`, the importers on the real public files in ../shared/fixtures (read
 * in place, never copied; MEDTHREAT_FIXTURES=<folder> points elsewhere). Not part of `npm test`,
 * which uses the sample files the team writes; .ci/run runs it when ../shared/fixtures exists.
 * Every importer's fixture tests go under test/fixtures/ (any depth, *.test.ts).
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
module.exports = {
  projects: [
    {
      displayName: 'fixtures',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/fixtures/**/*.test.ts'],
    },
  ],
};
