import { defineConfig } from 'vitest/config';

// Two projects: `unit` is the fast, self-contained subset (`npm run test:unit`); `system` holds the tests that
// boot real peers (apache2, nginx, haproxy), fuzz, or walk the whole corpus. `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/differential/**', 'test/fuzz/**', 'test/corpus/**', 'test/system/**', 'test/**/*.system.test.ts'],
        },
      },
      {
        test: {
          name: 'system',
          include: ['test/differential/**/*.test.ts', 'test/fuzz/**/*.test.ts', 'test/corpus/**/*.test.ts', 'test/system/**/*.test.ts', 'test/**/*.system.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
