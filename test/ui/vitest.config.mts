// UI tests: a real VS Code (code-server) in a real browser (chromium), `npm run test:ui`. Not part of
// `npm test`: the first run installs code-server (a few minutes). Files are *.ui.ts so that the main
// config (test/**/*.test.ts) never picks them up.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/ui/**/*.ui.ts'],
    // One workbench at a time: code-server and chromium are heavy on a 2-core machine.
    fileParallelism: false,
    testTimeout: 180_000,
    // The first run installs code-server (minutes) and packages the .vsix.
    hookTimeout: 900_000,
  },
});
