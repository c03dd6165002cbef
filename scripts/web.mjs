// `npm run web`: vmscope in a real VS Code in the browser (code-server), with examples/ open.
//   1. Debian packages (scripts/ui-deps.sh), 2. code-server installed once into a cache outside the
//   repo, keyed by version, 3. the .vsix built and installed into a fresh extensions folder,
//   4. code-server started on 127.0.0.1, URL printed. Ctrl+C stops it.
// The install follows /work/shared/design/ui-testing.md step by step; each step is needed there.
// test/ui/ imports the same functions, so the UI tests run exactly what a developer runs.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const cacheRoot = process.env.VMSCOPE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vmscope');
export const codeServerDir = join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
export const codeServerBin = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function run(cmd, args, cwd, env = {}) {
  console.log(`web: (${cwd}) ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
}

/** Installs the Debian packages code-server and the UI tests need, when missing. */
export function installDebianDeps() {
  run('bash', [join(root, 'scripts', 'ui-deps.sh')], root);
}

/**
 * code-server in the cache folder, installed on first use. Built in a sibling `.partial` folder and
 * renamed at the end, so an interrupted install never looks finished.
 */
export function installCodeServer({ debianDeps = true } = {}) {
  if (existsSync(join(codeServerDir, '.complete'))) return codeServerDir;
  if (debianDeps) installDebianDeps();
  const started = Date.now();
  const work = `${codeServerDir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'vmscope-code-server-cache', private: true }));
  // node-pty's install script calls `npx node-gyp`, which refuses to fetch without `yes`.
  const env = { npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  run('npm', ['install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts'], work, env);
  run('npm', ['rebuild', 'argon2'], work, env);
  const vscodeDir = join(work, 'node_modules', 'code-server', 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], vscodeDir, env);
  // ripgrep's postinstall downloads a binary (no route from here): give it Debian's rg instead.
  const rgBin = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  rmSync(join(rgBin, 'rg'), { force: true });
  symlinkSync('/usr/bin/rg', join(rgBin, 'rg'));
  run('npm', ['rebuild'], vscodeDir, env);
  rmSync(join(vscodeDir, 'node_modules.asar'), { force: true });
  symlinkSync('node_modules', join(vscodeDir, 'node_modules.asar'));
  const extDir = join(vscodeDir, 'extensions');
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], extDir, env);
  run('npm', ['rebuild'], extDir, env);
  writeFileSync(join(work, '.complete'), `${new Date().toISOString()} ${Math.round((Date.now() - started) / 1000)} s\n`);
  rmSync(codeServerDir, { recursive: true, force: true });
  renameSync(work, codeServerDir);
  console.log(`web: code-server ${CODE_SERVER_VERSION} installed in ${codeServerDir} (${Math.round((Date.now() - started) / 1000)} s)`);
  return codeServerDir;
}

/** Builds the production .vsix (scripts/package.mjs) and returns its path. */
export function buildVsix() {
  run(process.execPath, [join(root, 'scripts', 'package.mjs')], root);
  const { version, name } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return join(root, `${name}-${version}.vsix`);
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((ok, ko) => {
    const s = createServer();
    s.on('error', ko);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/**
 * A fresh user-data and extensions folder with the .vsix installed. Workspace trust is off, or the
 * workspace would open in Restricted Mode (where debugging is disabled).
 */
export function prepareProfile(vsix, base = mkdtempSync(join(tmpdir(), 'vmscope-web-'))) {
  const userData = join(base, 'user-data');
  const extensions = join(base, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
    'debug.console.closeOnEnd': false,
    'debug.openDebug': 'openOnDebugBreak',
    'git.openRepositoryInParentFolders': 'never',
  }, null, 2));
  execFileSync(process.execPath, [codeServerBin, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix], { stdio: 'inherit' });
  return { base, userData, extensions };
}

/**
 * Starts code-server on 127.0.0.1:port with `folder` open; resolves once it listens. The child runs
 * in its own process group so that stop() ends it with everything it started (extension host, pty).
 */
export async function startCodeServer({ port, userData, extensions, folder, log = (s) => process.stdout.write(s) }) {
  const child = spawn(process.execPath, [codeServerBin, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', userData, '--extensions-dir', extensions, folder], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (b) => log(b.toString()));
  child.stderr.on('data', (b) => log(b.toString()));
  const exited = new Promise((ok) => child.once('exit', ok));
  /** SIGTERM to the group, SIGKILL after 5 s; resolves once code-server has exited. */
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const signal = (sig) => { try { process.kill(-child.pid, sig); } catch { /* already gone */ } };
    signal('SIGTERM');
    const kill = setTimeout(() => signal('SIGKILL'), 5_000);
    return exited.finally(() => clearTimeout(kill));
  };
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode} before listening`);
    try {
      const r = await globalThis.fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { await stop(); throw new Error('code-server did not listen within 60 s'); }
    await sleep(250);
  }
  return { child, url, stop };
}

async function main() {
  installCodeServer();
  const vsix = buildVsix();
  const profile = prepareProfile(vsix);
  const port = Number(process.env.PORT) || await freePort();
  const server = await startCodeServer({ port, ...profile, folder: join(root, 'examples'), log: () => {} });
  console.log(`\nvmscope in code-server: ${server.url}\n(a fresh profile in ${profile.base}, removed on exit; Ctrl+C stops)`);
  const quit = async () => {
    await server.stop();
    rmSync(profile.base, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
  server.child.on('exit', (code) => process.exit(code ?? 0));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
