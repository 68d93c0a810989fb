import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'rules/**/*.test.ts'],
    testTimeout: 30000,
    hookTimeout: 60000,
    pool: 'forks',
    // the origin-pattern support is a lazy module (src/model/patterns.ts): tests that skip the engine need it loaded
    setupFiles: ['test/helpers/pattern-support.ts'],
  },
});
