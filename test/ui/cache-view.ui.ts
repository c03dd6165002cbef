/**
 * The VMs view and the cache view in a real VS Code: debug examples/minivisor with "caches": true
 * (its launch.json), stop in guest b, check the VMs view, open the cache view and check the grid
 * (lines of more than one ASID, coloured), the legend and the per-ASID statistics table; step and see
 * the view refresh and the plot of hits and misses per ASID appear (a series per ASID of the LLC, in
 * the legend's colours), keep it across a webview reload, and mark the cache lines of pc from the
 * Variables view's context menu ("Show Cache Line For Address"). Then examples/cvm ("vmscope: cvm (caches
 * on)"), stopped in its encrypted guest after it wrote its secret: select a host line (click) and
 * the guest's line holding the secret (keyboard: arrows, Enter); the detail shows the host line the
 * same on both sides, the secret in the cache beside different bytes in DRAM, and refreshes after a
 * step. Screenshots in test/ui/output/ (cache-line-detail.png: the secret's line).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { goToLine, openFile, openWorkbench, runCommand, screenshot, type Workbench } from './workbench';

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 200 });

describe('the cache view on examples/minivisor in code-server', () => {
  let wb: Workbench;

  beforeAll(async () => {
    wb = await openWorkbench('examples/minivisor');
  });

  afterAll(async () => {
    await wb?.close();
  });

  it('shows harts, VMs and the caches by ASID at a stop in guest b, and refreshes after a step', async () => {
    const { page } = wb;
    try {
      const source = readFileSync(join(wb.folder, 'guest', 'guest-b.c'), 'utf8').split('\n');
      const bpLine = source.findIndex((l) => l.includes('say("hello from guest b')) + 1;
      expect(bpLine).toBeGreaterThan(0);
      const editor = await openFile(page, 'guest-b.c');
      await goToLine(page, bpLine);
      await runCommand(page, 'Debug: Toggle Breakpoint');
      await editor.locator('.codicon-debug-breakpoint').first().waitFor();
      await editor.locator('.view-lines').click();
      await page.keyboard.press('F5');
      const topFrame = page.locator('.debug-call-stack .monaco-list-row .stack-frame').first();
      await poll(() => topFrame.innerText()).toContain('main');

      // The VMs view of the Run and Debug side bar.
      const vms = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'VMs' }) });
      await vms.locator('.pane-header').waitFor();
      if ((await vms.locator('.pane-header').getAttribute('aria-expanded')) === 'false') await vms.locator('.pane-header').click();
      await poll(() => vms.locator('.monaco-list').innerText()).toContain('VMID 2: guest-b');
      await poll(() => vms.locator('.monaco-list').innerText()).toMatch(/hart 0: VS-mode/);
      expect(await vms.locator('.monaco-list').innerText()).toContain('VMID 1: guest-a');

      await runCommand(page, 'vmscope: Open Cache View');
      const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      const status = view.locator('.status');
      await poll(() => status.innerText()).toMatch(/stop \d+/);
      const firstStop = Number(/stop (\d+)/.exec(await status.innerText())![1]);
      // One stop seen: no plot yet, and a message that says so.
      await poll(() => view.locator('.plot .plot-empty').innerText()).toContain('One stop seen so far');
      // The first tab (hart 0's L1I) has lines; the LLC has the host's and both guests' lines.
      for (const asid of [0, 1, 2]) await poll(() => view.locator('.legend').innerText()).toContain(`ASID ${asid}`);
      await view.locator('vscode-tab-header', { hasText: 'LLC' }).click();
      const llc = view.locator('vscode-tab-panel').nth(2);
      for (const cls of ['a0', 'a1', 'a2']) await poll(() => llc.locator(`.cell.${cls}`).count()).toBeGreaterThan(0);
      // The colours are different theme colours.
      const colours = await Promise.all(['a0', 'a1', 'a2'].map((c) => llc.locator(`.cell.${c}`).first().evaluate((e) => (globalThis as unknown as { getComputedStyle(x: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor)));
      expect(new Set(colours).size).toBe(3);
      // The statistics table: a row per ASID with accesses = hits + misses.
      const rows = llc.locator('vscode-table-body vscode-table-row');
      await poll(() => rows.count()).toBeGreaterThanOrEqual(3);
      const cells = (await rows.nth(1).locator('vscode-table-cell').allInnerTexts()).map((s) => s.trim());
      expect(cells[1]).toBe('guest-a');
      expect(Number(cells[2])).toBe(Number(cells[3]) + Number(cells[4]));

      // A click selects a line: its tag, and its bytes (no memory encryption here: the same in the
      // cache and in DRAM, read with readMemory). The arrow keys move the focus; the selection stays.
      const first = llc.locator('.cell.a2').first();
      await first.click();
      await poll(() => llc.locator('.detail').innerText()).toContain('guest-b');
      await poll(() => llc.locator('.detail .line-bytes').getAttribute('data-kind')).toBe('unencrypted');
      expect(await llc.locator('.detail .line-bytes tr.differs').count()).toBe(0);
      await page.keyboard.press('ArrowDown');
      await poll(() => llc.locator('.focus-info').innerText()).toMatch(/^Focus: set \d+ way \d+/);
      await poll(() => llc.locator('.cell.selected').count()).toBe(1);
      expect(await first.getAttribute('aria-selected')).toBe('true');
      await runCommand(page, 'View: Hide Panel'); // room for the view in the screenshots
      await screenshot(page, 'cache-1-stopped-in-guest-b');

      // Step over say(): a new stop, the view refreshes and marks what changed.
      await page.locator('.debug-toolbar .action-label.codicon-debug-step-over').click();
      await poll(async () => Number(/stop (\d+)/.exec(await status.innerText())?.[1] ?? 0)).toBeGreaterThan(firstStop);
      await poll(() => llc.locator('.cell.changed').count()).toBeGreaterThan(0);
      await screenshot(page, 'cache-2-after-step');

      // Two stops: the plot (LLC, running totals) has a hits and a misses chart, each with a series
      // per ASID of the LLC's statistics table, coloured as the grid.
      const charts = view.locator('.plot svg.chart');
      await poll(() => charts.count()).toBe(2);
      const llcAsids = async () => (await rows.locator('vscode-table-cell:first-child').allInnerTexts()).map((t) => Number(t.trim())).sort((a, b) => a - b);
      const seriesAsids = (metric: string) => view.locator(`.plot svg.chart[data-metric="${metric}"] g.series`).evaluateAll((gs) => gs.map((g) => Number((g as unknown as { dataset: { asid: string } }).dataset.asid)));
      const expected = await llcAsids();
      expect(expected).toEqual(expect.arrayContaining([0, 1, 2]));
      expect(await seriesAsids('hits')).toEqual(expected);
      expect(await seriesAsids('misses')).toEqual(expected);
      const stroke = await view.locator('.plot svg.chart[data-metric="hits"] g.series.a2 path').evaluate((e) => (globalThis as unknown as { getComputedStyle(x: unknown): { stroke: string } }).getComputedStyle(e).stroke);
      expect(stroke).toBe(colours[2]);
      expect(await charts.first().getAttribute('aria-label')).toMatch(/^Hits at LLC per ASID, running totals, stops \d+ to \d+$/);
      expect(await view.locator('#plot-table tbody tr').count()).toBe(expected.length);
      // Per level: L1D, what changed since the previous stop.
      await view.locator('vscode-radio[value="l1d"]').click();
      await view.locator('vscode-radio[value="delta"]').click();
      await poll(() => charts.first().getAttribute('aria-label')).toMatch(/^Hits at L1D per ASID, since the previous stop/);
      await view.locator('section.plot').scrollIntoViewIfNeeded();
      await screenshot(page, 'cache-2a-plot-after-step');

      // A reload of the webview keeps the plot: the history lives in the extension host.
      await runCommand(page, 'Developer: Reload Webviews');
      await poll(() => view.locator('.plot svg.chart').count()).toBe(2);
      expect(await view.locator('.plot svg.chart').first().getAttribute('aria-label')).toMatch(/at L1D per ASID, since the previous stop/);

      // The Variables view's context menu on pc (a guest's virtual address): its lines are marked.
      const pc = page.locator('.debug-variables .monaco-list-row[aria-label^="pc, value "]').first();
      await pc.click({ button: 'right' });
      // A menu item takes mouse clicks only 100 ms after the menu opened: hover it, then Enter.
      await page.locator('.context-view .action-label', { hasText: 'Show Cache Line For Address' }).hover();
      await page.locator('.context-view .action-item.focused', { hasText: 'Show Cache Line For Address' }).waitFor();
      await page.keyboard.press('Enter');
      const banner = view.locator('.target-banner');
      await poll(() => banner.innerText()).toMatch(/phys:0x[0-9a-f]{8} \(pc = va:0:0x[0-9a-f]{8}\): [\s\S]*hart0\.l1i set \d+ way \d+/);
      await poll(() => view.locator('vscode-tab-panel .cell.target.selected').count()).toBe(1);
      await screenshot(page, 'cache-2b-pc-line-marked');
      await view.locator('#clear-target').click();
      await poll(() => view.locator('.cell.target').count()).toBe(0);

      // The VMs view offers the cache view on its items.
      await vms.locator('.monaco-list-row', { hasText: 'VMID 2: guest-b' }).click({ button: 'right' });
      await page.locator('.context-view .action-label', { hasText: 'Open Cache View' }).waitFor();
      await page.keyboard.press('Escape');

      // The session ends: the view goes quiet.
      await page.locator('.debug-toolbar .action-label.codicon-debug-stop').click();
      await poll(() => view.locator('.idle').count()).toBe(1);
      await screenshot(page, 'cache-3-session-ended');

      // A reload brings the view back (its serializer), quiet without a session.
      await page.reload();
      await page.locator('.monaco-workbench').waitFor();
      await page.locator('.tab', { hasText: 'vmscope: Caches' }).waitFor();
      await poll(() => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').locator('.idle').count()).toBe(1);
    } catch (e) {
      await screenshot(page, 'cache-failure').catch(() => {});
      console.error(wb.log().slice(-5000));
      throw e;
    }
  });
});

/** Presses arrow keys in the focused grid from one cell to another (the grid's keyboard navigation). */
async function moveFocus(page: Page, from: Locator, to: Locator): Promise<void> {
  const at = async (l: Locator) => ({ set: Number(await l.getAttribute('data-set')), way: Number(await l.getAttribute('data-way')) });
  const a = await at(from);
  const b = await at(to);
  for (let i = a.set; i !== b.set; i += Math.sign(b.set - a.set)) await page.keyboard.press(b.set > a.set ? 'ArrowDown' : 'ArrowUp');
  for (let i = a.way; i !== b.way; i += Math.sign(b.way - a.way)) await page.keyboard.press(b.way > a.way ? 'ArrowRight' : 'ArrowLeft');
}

const stopOf = async (v: FrameLocator): Promise<number> => Number(/stop (\d+)/.exec(await v.locator('.status').innerText())?.[1] ?? 0);

describe('the cache view\'s line detail on examples/cvm in code-server', () => {
  let wb: Workbench;

  beforeAll(async () => {
    wb = await openWorkbench('examples/cvm');
  });

  afterAll(async () => {
    await wb?.close();
  });

  it('shows a selected line\'s plaintext in the cache beside its ciphertext in DRAM, and refreshes it at each stop', async () => {
    const { page } = wb;
    try {
      // The secret page's system-physical address, as the hypervisor prints it.
      const secretPa = `0x${/GPA 80001000: host ([0-9a-f]+)/.exec(readFileSync(join(wb.folder, 'cvm.expected'), 'utf8'))![1]!.padStart(8, '0')}`;
      const source = readFileSync(join(wb.folder, 'guest', 'guest.c'), 'utf8').split('\n');
      // The line after the copy of the secret into its private page.
      const bpLine = source.findIndex((l) => l.includes('secret_page[i] = SECRET[i]')) + 2;
      expect(bpLine).toBeGreaterThan(1);
      const editor = await openFile(page, 'guest.c');
      await goToLine(page, bpLine);
      await runCommand(page, 'Debug: Toggle Breakpoint');
      await editor.locator('.codicon-debug-breakpoint').first().waitFor();
      await editor.locator('.view-lines').click();
      await page.keyboard.press('F5'); // launch.json's one configuration: "vmscope: cvm (caches on)"
      await poll(() => page.locator('.debug-call-stack').innerText()).toMatch(new RegExp(`^main\\nguest\\.c\\n${bpLine}:`));
      await runCommand(page, 'View: Hide Panel');
      await runCommand(page, 'View: Close Primary Side Bar'); // room for the grid beside its detail

      await runCommand(page, 'vmscope: Open Cache View');
      const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await poll(() => view.locator('.status').innerText()).toMatch(/stop \d+/);
      await view.locator('vscode-tab-header', { hasText: 'L1D' }).click();
      const l1d = view.locator('vscode-tab-panel').nth(1);
      const bytes = l1d.locator('.detail .line-bytes');

      // A host line, by a click: unencrypted, the same bytes on both sides, said plainly.
      const secret = l1d.locator(`.cell[data-pa="${secretPa}"][data-asid="1"][data-enc="1"]`);
      await secret.waitFor();
      const secretSet = await secret.getAttribute('data-set');
      const sameSet = l1d.locator(`.cell[data-asid="0"][data-enc="0"][data-set="${secretSet}"]`);
      const host = (await sameSet.count()) > 0 ? sameSet.first() : l1d.locator('.cell[data-asid="0"][data-enc="0"]').first();
      await host.click();
      await poll(() => bytes.getAttribute('data-kind')).toBe('host');
      expect(await bytes.locator('.line-summary').innerText()).toBe('Unencrypted line (enc=0, the host: ASID 0 has no key): the cache and DRAM hold the same bytes.');
      expect(await bytes.locator('tr.differs').count()).toBe(0);
      expect(await bytes.locator('tbody tr').count()).toBe(4);

      // The secret's line, by the keyboard: the arrows move the focus (the selection stays), Enter selects.
      await moveFocus(page, host, secret);
      await poll(() => l1d.locator('.focus-info').innerText()).toMatch(new RegExp(`^Focus: set ${secretSet} way \\d+: ${secretPa} ASID 1 \\(cvm-guest\\), enc=1, dirty.*; Enter selects$`));
      expect(await bytes.getAttribute('data-kind')).toBe('host');
      await page.keyboard.press('Enter');
      await poll(() => bytes.getAttribute('data-kind')).toBe('encrypted');
      expect(await secret.getAttribute('aria-selected')).toBe('true');
      const tag = await l1d.locator('.detail dl.tag').innerText();
      expect(tag).toMatch(new RegExp(`physical address\\s+${secretPa}`));
      expect(tag).toMatch(/ASID\s+1 \(cvm-guest\)/);
      expect(tag).toMatch(/enc\s+1 \(private: through ASID 1's key\)/);
      expect(tag).toMatch(/dirty\s+yes/);
      expect(tag).toMatch(/LRU age\s+\d+ \(0 = most recent\)/);
      expect(await bytes.locator('.line-summary').innerText()).toMatch(/^Encrypted line \(enc=1\): the cache holds the plaintext ASID 1 \(cvm-guest\) reads, DRAM holds it encrypted with that ASID's key, key [0-9a-f]{16}: all 4 blocks differ\.$/);
      // The cache's plaintext is the secret; DRAM's bytes differ, block by block.
      const first = bytes.locator('tr[data-offset="0"]');
      expect(await first.locator('td.plain .text').innerText()).toBe('vault code 0451,');
      expect(await bytes.locator('tr[data-offset="16"] td.plain .text').innerText()).toMatch(/^ tell no one/);
      const plainHex = await first.locator('td.plain .hex').innerText();
      expect(plainHex).toBe('7661756c 7420636f 64652030 3435312c');
      expect(await first.locator('td.cipher .hex').innerText()).not.toBe(plainHex);
      expect(await first.locator('td.cipher .text').innerText()).not.toContain('vault');
      expect(await bytes.locator('tr.differs').count()).toBe(4);
      expect(await bytes.getAttribute('data-ref')).toBe(`dec:1:${secretPa}`);
      // The view alone in the window for the picture: the grid with the detail beside it.
      await runCommand(page, 'View: Toggle Maximize Editor Group');
      await poll(() => l1d.locator('.detail').evaluate((e) => (e as unknown as { offsetTop: number }).offsetTop < 200)).toBe(true);
      await screenshot(page, 'cache-line-detail');
      await runCommand(page, 'View: Toggle Maximize Editor Group');

      // A step: the detail is read again at the new stop, still the secret beside its ciphertext.
      const before = await stopOf(view);
      await page.locator('.debug-toolbar .action-label.codicon-debug-step-over').click();
      await poll(() => stopOf(view)).toBeGreaterThan(before);
      const after = await stopOf(view);
      await poll(() => bytes.getAttribute('data-stop')).toBe(String(after));
      expect(await bytes.getAttribute('data-kind')).toBe('encrypted');
      expect(await bytes.locator('tr[data-offset="0"] td.plain .text').innerText()).toBe('vault code 0451,');

      await page.locator('.debug-toolbar .action-label.codicon-debug-stop').click();
      await poll(() => view.locator('.idle').count()).toBe(1);
    } catch (e) {
      await screenshot(page, 'cache-line-detail-failure').catch(() => {});
      console.error(wb.log().slice(-5000));
      throw e;
    }
  });
});
