/**
 * The keys view, the memory view (both sides) and the walkthrough's confidential-VM steps in a real
 * VS Code: debug examples/cvm from its launch.json ("vmscope: cvm (caches on)"), stop in the guest
 * before it copies its secret, open the memory view on the secret page (GPA 0x80001000, VMID 1) and
 * step: the plaintext shows the secret, the ciphertext differs, the changed bytes are marked. Open the
 * keys view: the guest (RUNNING, ASID 1, its key), the launch digest (cvm.expected's measurement);
 * continue to the report, Verify says valid. Both views survive a reload of the webviews, the memory
 * view opens from the Variables view on pc, and both go quiet when the session ends. The walkthrough
 * lists the new steps and marks the ones done; its attack step runs examples/attacks. Screenshots in
 * test/ui/output/: cvm-memory-view.png and cvm-keys-view.png are the README's pictures of the views.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goToLine, openFile, openWorkbench, runCommand, screenshot, type Workbench } from './workbench';

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 200 });
/** The secret page: GPA 0x80001000 of VMID 1, as the guest prints it. */
const SECRET_ROW = `tr[data-address="${0x80001000}"]`;

const TITLE = { keys: 'vmscope: Keys and ASIDs', memory: 'vmscope: Memory, both sides' } as const;

/**
 * The webview of `view` (its body's data-view), its tab brought to the front: every visible webview
 * is an iframe, its document in #active-frame.
 */
async function webview(page: Page, view: 'keys' | 'memory'): Promise<FrameLocator> {
  const tab = page.locator('.tab', { hasText: TITLE[view] });
  if ((await tab.count()) > 0 && !(await tab.first().getAttribute('class'))?.includes('active')) await tab.first().click();
  const frames = page.locator('iframe.webview.ready');
  const inner = (i: number) => frames.nth(i).contentFrame().locator('#active-frame').contentFrame();
  let found = -1;
  const look = async (): Promise<boolean> => {
    const n = await frames.count();
    for (let i = 0; i < n; i++) {
      if ((await inner(i).locator(`body[data-view="${view}"]`).count().catch(() => 0)) > 0) {
        found = i;
        return true;
      }
    }
    return false;
  };
  // code-server under load sometimes leaves a new webview blank (its frame never loads the page):
  // after 15 s, reload the webviews once, as a user would.
  try {
    await expect.poll(look, { timeout: 15_000, interval: 200 }).toBe(true);
  } catch {
    await runCommand(page, 'Developer: Reload Webviews');
    if ((await tab.count()) > 0) await tab.first().click();
    await poll(look).toBe(true);
  }
  return inner(found);
}

/** The README's picture of a view: its editor group maximized, scrolled to the top. */
async function picture(page: Page, view: 'keys' | 'memory', name: string): Promise<void> {
  await page.locator('.tab', { hasText: TITLE[view] }).first().click(); // its group becomes the active one
  await runCommand(page, 'View: Toggle Maximize Editor Group');
  const v = await webview(page, view);
  await v.locator('body').evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await screenshot(page, name);
  await runCommand(page, 'View: Toggle Maximize Editor Group');
}

const stopOf = async (v: FrameLocator): Promise<number> => Number(/stop (\d+)/.exec(await v.locator('.status').innerText())?.[1] ?? 0);

describe('the keys view and the memory view on examples/cvm in code-server', () => {
  let wb: Workbench;

  beforeAll(async () => {
    wb = await openWorkbench('examples/cvm');
  });

  afterAll(async () => {
    await wb?.close();
  });

  it('shows the guest\'s plaintext beside DRAM\'s ciphertext, its keys and digest, and verifies its report', async () => {
    const { page } = wb;
    try {
      const source = readFileSync(join(wb.folder, 'guest', 'guest.c'), 'utf8').split('\n');
      const copyLine = source.findIndex((l) => l.includes('secret_page[i] = SECRET[i]')) + 1;
      const reportLine = source.findIndex((l) => l.includes('say("a verifier checks')) + 1;
      expect(copyLine).toBeGreaterThan(0);
      expect(reportLine).toBeGreaterThan(copyLine);
      const digest = /\[hv\] {3}measurement ([0-9a-f]{96})/.exec(readFileSync(join(wb.folder, 'cvm.expected'), 'utf8'))![1]!;

      // The walkthrough first: VS Code records its steps' completion events only once its walkthrough
      // service runs (delayed until something shows a walkthrough), as on a first install.
      await runCommand(page, 'vmscope: Debug Your First Confidential VM');
      await page.locator('.gettingStartedContainer').getByText('Break in an encrypted guest', { exact: true }).first().waitFor();
      // Closed with its tab's button: the page takes the focus when it has rendered, which would close
      // a command palette opened meanwhile.
      await page.locator('.tab', { hasText: 'Walkthrough' }).locator('.codicon-close').click();
      await page.locator('.gettingStartedContainer').waitFor({ state: 'detached' });

      const editor = await openFile(page, 'guest.c');
      for (const line of [copyLine, reportLine]) {
        await goToLine(page, line);
        await runCommand(page, 'Debug: Toggle Breakpoint');
        await editor.locator('.codicon-debug-breakpoint').first().waitFor();
      }
      await editor.locator('.view-lines').click();
      await page.keyboard.press('F5');
      const callStack = page.locator('.debug-call-stack');
      await poll(() => callStack.locator('.monaco-list-row .stack-frame').first().innerText()).toContain('main');
      // Stopped in the guest: VS-mode (the Variables view), VMID 1 (the VMs view).
      await page.locator('.debug-variables .monaco-list-row[aria-label^="priv, value VS-mode"]').first().waitFor();
      const vms = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'VMs' }) });
      if ((await vms.locator('.pane-header').getAttribute('aria-expanded')) === 'false') await vms.locator('.pane-header').click();
      await poll(() => vms.locator('.monaco-list').innerText()).toMatch(/hart 0: VS-mode[\s\S]*VMID 1: cvm-guest/);
      await runCommand(page, 'View: Hide Panel'); // room for the views in the screenshots

      // The memory view on the secret page, before the guest copies its secret there: zeros to the
      // guest, ciphertext in DRAM.
      await runCommand(page, 'vmscope: Open Memory View (both sides)');
      let mem = await webview(page, 'memory');
      await mem.locator('#address input').fill('gpa:1:0x80001000');
      await mem.locator('#address input').press('Enter');
      const row = mem.locator(SECRET_ROW);
      await poll(() => mem.locator('.summary').innerText()).toMatch(/^gpa:1:0x80001000, 256 bytes \(16 blocks of 16\), private; ASID 1, key [0-9a-f]{16}\./);
      expect(await row.locator('td.hex.plain').innerText()).toMatch(/^(00 ){7}00 {2}(00 ){7}00$/);
      expect(await row.locator('td.hex.cipher').innerText()).not.toMatch(/^(00 ){7}00/);
      expect(await mem.locator('tr.page th').first().innerText()).toMatch(/^gpa:1:0x80001000, phys 0x[0-9a-f]{8}, C-bit 1 \(enc=1\), private: decrypted with the key, RMP: none on this machine/);
      const key = /key ([0-9a-f]{16})/.exec(await mem.locator('.summary').innerText())![1]!;
      const before = await stopOf(mem);

      // Step over the copy: the view refreshes, the plaintext is the secret, the ciphertext differs
      // from it and from what it was, and the changed bytes are marked on both sides.
      await page.locator('.debug-toolbar .action-label.codicon-debug-step-over').click();
      await poll(() => stopOf(mem)).toBeGreaterThan(before);
      await poll(() => row.locator('td.text.plain').innerText()).toBe('vault code 0451,');
      const plainHex = await row.locator('td.hex.plain').innerText();
      const cipherHex = await row.locator('td.hex.cipher').innerText();
      expect(cipherHex).not.toBe(plainHex);
      expect(await row.locator('td.text.cipher').innerText()).not.toContain('vault');
      expect(await row.locator('td.plain .chg').count()).toBeGreaterThan(10);
      expect(await row.locator('td.cipher .chg').count()).toBeGreaterThan(10);
      await poll(() => mem.locator('.summary').innerText()).toMatch(/Since the previous stop: \d+ plaintext bytes and \d+ ciphertext bytes changed/);
      await picture(page, 'memory', 'cvm-memory-view');

      // The keys view: the secure processor's guest, its ASID and key, the launch digest; no report yet.
      await runCommand(page, 'vmscope: Open Keys View');
      let keys = await webview(page, 'keys');
      const guestRow = keys.locator('table.guests tbody tr[data-handle="1"]');
      await poll(() => guestRow.count()).toBe(1);
      const cells = (await guestRow.locator('td').allInnerTexts()).map((s) => s.trim());
      expect(cells.slice(0, 5)).toEqual(['1', 'RUNNING', '0x00000000 (no flags)', '1', key]);
      expect((await keys.locator('[data-digest="1"]').innerText()).replace(/\s/g, '')).toBe(digest);
      expect(await keys.locator('table.keys tbody tr[data-asid="1"]').innerText()).toContain('cvm-guest');
      expect((await keys.locator('[data-field="chip-id"]').innerText()).replace(/\s/g, '')).toMatch(/^[0-9a-f]{128}$/);
      expect(await keys.locator('#reports-title + p').innerText()).toContain('No attestation report yet');

      // Continue to the guest's report: both views refresh; Verify says valid, with the fields.
      const keysStop = await stopOf(keys);
      await page.locator('.debug-toolbar .action-label.codicon-debug-continue').click();
      await poll(() => stopOf(keys)).toBeGreaterThan(keysStop);
      const report = keys.locator('article.report[data-index="0"]');
      await report.waitFor();
      expect(await report.locator('.verdict').getAttribute('data-verdict')).toBe('none');
      await report.locator('vscode-button.verify').click();
      await poll(() => report.locator('.verdict').getAttribute('data-verdict')).toBe('valid');
      expect(await report.locator('.verdict-detail').innerText()).toMatch(/^Signature valid: ECDSA P-384 with SHA-384/);
      expect(await report.locator('.fields-table').innerText()).toContain(digest);
      await picture(page, 'keys', 'cvm-keys-view');
      await report.locator('details.report-fields summary').click();
      await poll(() => report.locator('details.report-fields dl').innerText()).toContain('= the launch digest of guest 1');
      expect(await report.locator('details.report-fields dl').innerText()).toContain('"nonce from the guest owner: 5eaf00d5c0ffee42"');

      // A reload of the webviews: the verdict (kept in the extension host) and the range stay.
      await runCommand(page, 'Developer: Reload Webviews');
      keys = await webview(page, 'keys');
      await poll(() => keys.locator('article.report[data-index="0"] .verdict').getAttribute('data-verdict')).toBe('valid');
      mem = await webview(page, 'memory');
      await poll(() => mem.locator(`${SECRET_ROW} td.text.plain`).innerText()).toBe('vault code 0451,');

      // The Variables view's context menu on pc: the memory view opens there.
      await runCommand(page, 'View: Show Run and Debug');
      const pc = page.locator('.debug-variables .monaco-list-row[aria-label^="pc, value "]').first();
      await pc.click({ button: 'right' });
      // A menu item takes mouse clicks only 100 ms after the menu opened: hover it, then Enter.
      await page.locator('.context-view .action-label', { hasText: 'Open Memory View (both sides)' }).hover();
      await page.locator('.context-view .action-item.focused', { hasText: 'Open Memory View (both sides)' }).waitFor();
      await page.keyboard.press('Enter');
      mem = await webview(page, 'memory');
      await poll(() => mem.locator('.summary').innerText()).toMatch(/^va:0:0x8000[0-9a-f]{3}0, 256 bytes/);
      expect(await mem.locator('#address').evaluate((e) => (e as unknown as { value: string }).value)).toMatch(/^va:0:0x8000[0-9a-f]{3}0$/);

      // The session ends: both views go quiet.
      await page.locator('.debug-toolbar .action-label.codicon-debug-stop').click();
      await poll(async () => (await webview(page, 'memory')).locator('.idle').count()).toBe(1);
      await poll(async () => (await webview(page, 'keys')).locator('.idle').count()).toBe(1);
    } catch (e) {
      await screenshot(page, 'cvm-views-failure').catch(() => {});
      console.error(wb.log().slice(-5000));
      throw e;
    }
  });

  it('has the walkthrough\'s confidential-VM steps, marks those done, and runs an attack for the last one', async () => {
    const { page } = wb;
    try {
      await runCommand(page, 'View: Close All Editors');
      // The cvm breakpoints would stop the attack too: the adapter binds a source breakpoint to every
      // guest.c whose trailing path matches (examples/attacks/common/hv/guest.c has one).
      await runCommand(page, 'Remove All Breakpoints');
      await runCommand(page, 'vmscope: Debug Your First Confidential VM');
      const walkthrough = page.locator('.gettingStartedContainer');
      for (const step of ['Break in an encrypted guest', 'Step into the hypervisor on a VM exit', 'Compare plaintext and ciphertext', 'See the caches, tagged by ASID', 'Verify the attestation report', 'Watch a protection stop an attack']) {
        await walkthrough.getByText(step, { exact: true }).first().waitFor();
      }
      const done = (id: string) => walkthrough.locator(`button.getting-started-step[data-step-id$="#${id}"][aria-checked="true"]`).count();
      for (const id of ['startDebugging', 'breakInGuest', 'memoryBothSides', 'verifyReport']) await poll(() => done(id)).toBe(1);
      expect(await done('attack')).toBe(0);

      // The memory step's button passes the secret page's reference to the command.
      await walkthrough.getByText('Compare plaintext and ciphertext', { exact: true }).first().click();
      await walkthrough.getByRole('button', { name: 'Open Memory View on gpa:1:0x80001000' }).click();
      await page.locator('.tab', { hasText: TITLE.memory }).waitFor();
      await poll(async () => (await webview(page, 'memory')).locator('.idle').count()).toBe(1);
      await runCommand(page, 'vmscope: Debug Your First Confidential VM');

      // The attack step: Run an Attack lists examples/attacks (beside examples/cvm), register-tampering first.
      await walkthrough.getByText('Watch a protection stop an attack', { exact: true }).first().click();
      await walkthrough.getByRole('button', { name: 'Run an Attack' }).click();
      const first = page.locator('.quick-input-list .monaco-list-row').first();
      await poll(() => first.innerText()).toContain('register-tampering');
      await first.click();
      // The step completes when the Debug Console gets a result line saying STOPPED.
      await poll(() => done('attack')).toBe(1);
      await screenshot(page, 'cvm-walkthrough');
      await page.locator('.tab', { hasText: 'Walkthrough' }).locator('.codicon-close').click();
      await runCommand(page, 'Focus on Debug Console View');
      await poll(() => page.locator('.repl').innerText()).toContain('[attack] register-tampering level=es: STOPPED: register protection');
    } catch (e) {
      await screenshot(page, 'cvm-walkthrough-failure').catch(() => {});
      console.error(wb.log().slice(-5000));
      throw e;
    }
  });
});
