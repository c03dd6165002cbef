/**
 * package.json against the one typed definition of the launch configuration (src/launch-schema.ts)
 * and the adapter's checks (adapter/launch-config.ts), and the walkthrough and the .vsix against the
 * files they name. Fast: part of `npm test`, unlike the *.ui.ts tests.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateLaunch } from '../../adapter/launch-config';
import { debuggerContribution, launchProperties } from '../../src/launch-schema';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('package.json', () => {
  it('contributes the debugger exactly as src/launch-schema.ts defines it (node scripts/package.mjs --manifest)', () => {
    expect(manifest.contributes.debuggers).toEqual([JSON.parse(JSON.stringify(debuggerContribution()))]);
  });

  it('documents every launch attribute', () => {
    for (const [name, p] of Object.entries(launchProperties)) {
      expect(p.markdownDescription.length, name).toBeGreaterThan(20);
    }
  });

  it('has schema defaults and bounds that the adapter accepts, and bounds the adapter enforces', () => {
    for (const [name, p] of Object.entries(launchProperties) as [string, { default?: unknown; minimum?: number; maximum?: number }][]) {
      if (name === 'program') continue;
      const launch = (value: unknown) => validateLaunch({ program: 'hello.elf', [name]: value });
      if (p.default !== undefined) expect(typeof launch(p.default), `${name} default`).toBe('object');
      if (p.minimum !== undefined) {
        expect(typeof launch(p.minimum), `${name} minimum`).toBe('object');
        expect(launch(p.minimum - 1), `${name} below minimum`).toMatch(new RegExp(name));
      }
      if (p.maximum !== undefined) {
        expect(typeof launch(p.maximum), `${name} maximum`).toBe('object');
        expect(launch(p.maximum + 1), `${name} above maximum`).toMatch(new RegExp(name));
      }
    }
  });

  it('names walkthrough media and commands that exist', () => {
    const commands = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
    for (const w of manifest.contributes.walkthroughs) {
      for (const step of w.steps) {
        expect(existsSync(join(root, step.media.markdown)), step.media.markdown).toBe(true);
        for (const [, id] of (step.description as string).matchAll(/\(command:(vmscope\.[\w.]+)\)/g)) expect(commands, id).toContain(id);
      }
    }
  });

  it('ships the example the walkthrough opens, with its launch configuration', () => {
    const launch = readFileSync(join(root, 'examples', 'hello', '.vscode', 'launch.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '');
    const config = JSON.parse(launch).configurations[0];
    expect(config).toMatchObject({ type: 'vmscope', request: 'launch', program: '${workspaceFolder}/hello.elf' });
    expect(existsSync(join(root, 'examples', 'hello', 'hello.elf'))).toBe(true);
    const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
    expect(ignore).toMatch(/^!examples\/hello\/hello\.elf$/m);
    expect(ignore).toMatch(/^!examples\/hello\/\.vscode\/launch\.json$/m);
  });
});
