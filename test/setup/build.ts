// Tests that spawn the CLI or the adapter use the bundles in dist/: build them once per test run so
// that a test never runs against stale output.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
