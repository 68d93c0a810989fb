import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'rules/**/*.test.ts'],
    testTimeout: 30000,
    hookTimeout: 60000,
    pool: 'forks',
    // the origin-pattern support and its automaton search are lazy modules (src/model/patterns.ts): tests that skip the engine need them loaded
    setupFiles: ['test/helpers/pattern-support.ts'],
  },
});
