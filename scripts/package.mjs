// `npm run package`: the production .vsix, vmscope-<version>.vsix in the repository root.
//   1. package.json's `contributes.debuggers` regenerated from src/launch-schema.ts (the one typed
//      definition of the launch configuration), 2. production bundles (scripts/build.mjs --production),
//   3. @vscode/vsce packages what .vscodeignore lets through (bundles, manifest, README, CHANGELOG,
//      LICENSE, media/, examples/hello/): no sources, maps or tests. `npx vsce ls` lists it.
// `node scripts/package.mjs --manifest` does step 1 only; `--check` fails when package.json is stale.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = join(root, 'package.json');

/** Loads src/launch-schema.ts (TypeScript) through esbuild, without writing a file. */
async function loadSchemaModule() {
  const out = await esbuild.build({
    entryPoints: [join(root, 'src', 'launch-schema.ts')],
    bundle: true, write: false, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning',
  });
  const code = out.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

/** package.json with the generated debugger contribution; the text keeps npm's 2-space format. */
export async function generatedManifest() {
  const text = readFileSync(manifestPath, 'utf8');
  const manifest = JSON.parse(text);
  const { debuggerContribution } = await loadSchemaModule();
  manifest.contributes.debuggers = [debuggerContribution()];
  return { before: text, after: `${JSON.stringify(manifest, null, 2)}\n` };
}

async function updateManifest(check) {
  const { before, after } = await generatedManifest();
  if (before === after) return;
  if (check) {
    console.error('package: package.json is out of step with src/launch-schema.ts: run `node scripts/package.mjs --manifest`');
    process.exit(1);
  }
  writeFileSync(manifestPath, after);
  console.log('package: package.json contributes.debuggers regenerated from src/launch-schema.ts');
}

function run(cmd, args) {
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--manifest') || args.includes('--check')) return updateManifest(args.includes('--check'));
  await updateManifest(false);
  run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production']);
  const { name, version } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  // The bundles contain the runtime dependencies: node_modules stays out (--no-dependencies).
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--readme-path', packagedReadme(), '--out', join(root, `${name}-${version}.vsix`)]);
}

/**
 * The README the .vsix carries: README.md with its screenshots (relative images, which vsce refuses
 * without a public repository URL to rewrite them against) turned into a line naming the file in the
 * repository. Written to dist/README.md.
 */
export function packagedReadme() {
  const text = readFileSync(join(root, 'README.md'), 'utf8')
    .replace(/^!\[([^\]]*)\]\(([^)]+)\)$/gm, (_, alt, path) => `*${alt}* (screenshot: \`${path}\` in the vmscope repository)`);
  writeFileSync(join(root, 'dist', 'README.md'), text);
  return 'dist/README.md'; // vsce wants it relative to the extension's root, among the packaged files

}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
