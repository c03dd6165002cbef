// Launcher for test/fuzz/run.ts without tsx: bundle it with esbuild (a devDependency) into a temporary
// file and run it with the same arguments. See run.ts for the options.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import process from 'node:process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'vmscope-fuzz-run-'));
const out = path.join(dir, 'run.mjs');
await esbuild.build({
  entryPoints: [path.join(here, 'run.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outfile: out,
  logLevel: 'warning',
  // import.meta.url inside the bundle must still resolve the repository (test/diff/vmscope.ts).
  define: { 'import.meta.url': JSON.stringify(`file://${path.join(here, '..', 'diff', 'vmscope.ts')}`) },
});
const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit' });
rmSync(dir, { recursive: true, force: true });
process.exit(r.status ?? 2);
