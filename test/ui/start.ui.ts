/**
 * Starting without a launch.json, and the walkthrough: F5 on a C file whose ELF sits next to it
 * (src/configurations.ts), and "Debug your first confidential VM" opening the hello example.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as web from '../../scripts/web.mjs';
import { openFile, openWorkbench, runCommand, screenshot, type Workbench } from './workbench';

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });

describe('a folder without launch.json', () => {
  let wb: Workbench;
  let folder: string;

  beforeAll(async () => {
    folder = join(mkdtempSync(join(tmpdir(), 'vmscope-ui-nolaunch-')), 'hello');
    for (const f of ['hello.c', 'crt0.S', 'hello.elf']) cpSync(join(web.root, 'examples', 'hello', f), join(folder, f));
    wb = await openWorkbench(folder);
  });

  afterAll(async () => {
    await wb?.close();
    if (folder) rmSync(join(folder, '..'), { recursive: true, force: true });
  });

  it('F5 in hello.c runs hello.elf next to it', async () => {
    const { page } = wb;
    try {
      const editor = await openFile(page, 'hello.c');
      await editor.locator('.view-lines').click();
      await page.keyboard.press('F5');
      const repl = page.locator('.repl');
      await repl.getByText('sum of squares: 30').waitFor();
      await poll(() => repl.innerText()).toContain('Hello from RISC-V!');
      await screenshot(page, 'no-launch-json-f5');
    } catch (e) {
      await screenshot(page, 'no-launch-json-failure').catch(() => {});
      console.error(wb.log());
      throw e;
    }
  });
});

describe('the walkthrough', () => {
  let wb: Workbench;

  beforeAll(async () => {
    wb = await openWorkbench('examples/hello');
  });

  afterAll(async () => {
    await wb?.close();
  });

  it('opens from its command and its first step opens hello.c', async () => {
    const { page } = wb;
    try {
      await runCommand(page, 'vmscope: Debug Your First Confidential VM');
      const walkthrough = page.locator('.gettingStartedContainer');
      await walkthrough.getByText('Debug your first confidential VM').first().waitFor();
      for (const step of ['Open the hello example', 'Set a breakpoint', 'Start debugging', 'Step through the program', 'Look at the registers', 'Open the Disassembly view']) {
        await walkthrough.getByText(step, { exact: true }).first().waitFor();
      }
      await screenshot(page, 'walkthrough');
      await walkthrough.getByRole('button', { name: 'Open hello.c' }).click();
      await page.locator('.tab.active[aria-label^="hello.c"]').waitFor();
      await screenshot(page, 'walkthrough-opened-hello');
    } catch (e) {
      await screenshot(page, 'walkthrough-failure').catch(() => {});
      console.error(wb.log());
      throw e;
    }
  });
});
