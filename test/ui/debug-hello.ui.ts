/**
 * The walkthrough's path in a real VS Code: open examples/hello, set a breakpoint in the C source,
 * F5 with its launch.json, the call stack, the registers, a step, the Disassembly view, the program's
 * output. Screenshots in test/ui/output/ show what a user sees at each point.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as web from '../../scripts/web.mjs';
import { goToLine, openFile, openWorkbench, runCommand, screenshot, type Workbench } from './workbench';

/** Waits for a value shown by the workbench to match (VS Code updates views asynchronously). */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });

describe('debugging examples/hello in code-server', () => {
  let wb: Workbench;

  let copy: string;

  beforeAll(async () => {
    // A copy, as a user (or the walkthrough) has it: hello.elf's DWARF names the sources by their path
    // in the repository, and the adapter must find them in the copy (adapter/source-paths.ts).
    copy = mkdtempSync(join(tmpdir(), 'vmscope-ui-hello-'));
    cpSync(join(web.root, 'examples', 'hello'), join(copy, 'hello'), { recursive: true });
    wb = await openWorkbench(join(copy, 'hello'));
  });

  afterAll(async () => {
    await wb?.close();
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('stops at a breakpoint in square(), steps, and runs to the end', async () => {
    const { page } = wb;
    try {
      const source = readFileSync(join(wb.folder, 'hello.c'), 'utf8').split('\n');
      const bpLine = source.findIndex((l) => l.includes('unsigned result = n * n;')) + 1;
      expect(bpLine).toBeGreaterThan(0);

      const editor = await openFile(page, 'hello.c');
      await goToLine(page, bpLine);
      await runCommand(page, 'Debug: Toggle Breakpoint');
      await editor.locator('.codicon-debug-breakpoint').first().waitFor();
      await screenshot(page, '1-breakpoint');

      // F5: the workspace's launch.json ("vmscope: hello").
      await editor.locator('.view-lines').click();
      await page.keyboard.press('F5');
      const callStack = page.locator('.debug-call-stack');
      const topFrame = callStack.locator('.monaco-list-row .stack-frame').first();
      await topFrame.waitFor();
      await poll(() => topFrame.innerText()).toContain('square');
      // VS Code asks for the top frame first and for the rest a moment later.
      const frameNames = callStack.locator('.monaco-list-row .stack-frame .label');
      await poll(async () => (await frameNames.allInnerTexts()).slice(0, 2)).toEqual(['square', 'main']);
      expect(await topFrame.locator('.line-number').innerText()).toMatch(new RegExp(`^${bpLine}:`));
      await editor.locator('.codicon-debug-stackframe').first().waitFor();
      // The stop is shown in the copy the user opened, not in a second editor on the build's path.
      expect(await page.locator('.tab[aria-label^="hello.c"]').count()).toBe(1);

      // Registers: the first scope of the Variables view, expanded by VS Code. square(1): a0 = n = 1.
      // The Watch and Breakpoints sections (the latter long with its exception filters) are collapsed
      // so that the Variables list has room: it renders only the rows in view.
      await page.locator('.pane-header', { hasText: 'Breakpoints' }).first().click();
      await page.locator('.pane-header', { hasText: 'Watch' }).first().click();
      const variables = page.locator('.debug-variables');
      // Rows are labelled "a0, value 0x00000001 (1)" for screen readers.
      const register = (name: string) => variables.locator(`.monaco-list-row[aria-label^="${name}, value "]`).first();
      const value = (name: string) => register(name).getAttribute('aria-label').then((l) => l!.slice(`${name}, value `.length));
      await variables.locator('.monaco-list-row', { hasText: 'Registers' }).first().waitFor();
      await poll(() => value('a0')).toMatch(/^0x00000001\b/);
      const pcBefore = await value('pc');
      expect(pcBefore).toMatch(/^0x8000/);
      await poll(() => callStack.getByText('Load More Stack Frames').count()).toBe(0);
      await screenshot(page, '2-stopped-in-square');

      // Step over: the current line moves on within square(), and so does pc.
      await page.locator('.debug-toolbar .action-label.codicon-debug-step-over').click();
      await poll(() => topFrame.locator('.line-number').innerText()).toMatch(new RegExp(`^${bpLine + 1}:`));
      await poll(() => value('pc')).not.toBe(pcBefore);
      await poll(async () => (await frameNames.allInnerTexts()).slice(0, 2)).toEqual(['square', 'main']);
      // (VS Code 1.100 may keep showing "Load More Stack Frames" here: after a step it re-renders the
      // rest of the stack only when a frame differs, and the adapter's frame ids repeat across stops.)
      await editor.locator('.codicon-debug-stackframe').first().waitFor();
      await screenshot(page, '3-after-step-over');

      // The Disassembly view: square()'s instructions (n * n is a `mul`), the one at pc marked.
      const pcAfter = (await value('pc')).slice(0, 10);
      await runCommand(page, 'Open Disassembly View');
      const disassembly = page.locator('.disassembly-view');
      const current = disassembly.locator('.monaco-list-row', { has: page.locator('.codicon-debug-stackframe') });
      await poll(() => current.innerText()).toContain(pcAfter);
      await poll(() => disassembly.innerText()).toMatch(/mul\s+a5,a5,a5/);
      await screenshot(page, '4-disassembly');

      // No more breakpoints, continue: the program ends and its output is in the Debug Console.
      await runCommand(page, 'Remove All Breakpoints');
      await page.locator('.debug-toolbar .action-label.codicon-debug-continue').click();
      const repl = page.locator('.repl');
      await repl.getByText('sum of squares: 30').waitFor();
      await poll(() => repl.innerText()).toContain('Hello from RISC-V!');
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden' });
      await screenshot(page, '5-program-output');
    } catch (e) {
      await screenshot(page, 'failure').catch(() => {});
      console.error(wb.log());
      throw e;
    }
  });
});
