// One esbuild script for every bundle: the extension host, the debug adapter, the CLI and the benchmark.
// Type checking is separate (`npm run typecheck`), as in vscode-extension-samples/esbuild-sample.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Bundles that exist so far; an entry whose source is missing is skipped with a note. */
const entries = [
  { in: 'src/extension.ts', out: 'extension', external: ['vscode'] },
  { in: 'adapter/main.ts', out: 'adapter' },
  { in: 'adapter/cli/main.ts', out: 'cli' },
  { in: 'bench/run.ts', out: 'bench' },
  { in: 'lsp/server.ts', out: 'lsp' },
];

const contexts = [];
for (const e of entries) {
  if (!existsSync(e.in)) {
    console.log(`build: skipping ${e.in} (not present)`);
    continue;
  }
  contexts.push(await esbuild.context({
    entryPoints: { [e.out]: e.in },
    bundle: true,
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: e.external ?? [],
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
  }));
}

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('build: watching for changes');
} else {
  for (const c of contexts) {
    await c.rebuild();
    await c.dispose();
  }
  console.log(`build: ${contexts.length} bundles written to dist/`);
}
