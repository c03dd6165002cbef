/**
 * A real VS Code (code-server, scripts/web.mjs) in Debian's chromium driven by playwright-core, as
 * /work/shared/design/ui-testing.md describes, and the few workbench gestures the UI tests need.
 * Everything waits for selectors; nothing sleeps.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import * as web from '../../scripts/web.mjs';

export const outputDir = join(web.root, 'test', 'ui', 'output');

export interface Workbench {
  page: Page;
  /** The folder the workbench has open. */
  folder: string;
  /** code-server's log so far (printed when a test fails). */
  log: () => string;
  close: () => Promise<void>;
}

/** Flags from ui-testing.md: no sandbox (root in a container), no GPU, nothing phoning home. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let vsix: string | undefined;

/**
 * Installs code-server when missing, packages the .vsix (once per test file), starts code-server
 * on 127.0.0.1 with a fresh profile and `folder` (absolute, or relative to the repository) open, and
 * opens it in chromium. close() ends both, whatever happened; they are also ended when the test
 * process exits.
 */
export async function openWorkbench(folder: string): Promise<Workbench> {
  web.installCodeServer();
  vsix ??= web.buildVsix();
  const base = mkdtempSync(join(tmpdir(), 'vmscope-ui-'));
  folder = resolve(web.root, folder);
  const profile = web.prepareProfile(vsix, base);
  let text = '';
  const server = await web.startCodeServer({ port: await web.freePort(), ...profile, folder, log: (s) => { text += s; } });
  let browser: Browser | undefined;
  // Last resort when the test process exits without close(): SIGTERM to code-server's group.
  const onExit = () => void server.stop();
  const close = async () => {
    process.off('exit', onExit);
    await browser?.close().catch(() => {});
    await server.stop();
    rmSync(base, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1050 } });
    page.setDefaultTimeout(30_000);
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor();
    mkdirSync(outputDir, { recursive: true });
    return { page, folder, log: () => text, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Runs a command through the command palette (F1), by its label. The palette lists an extension's
 * commands only once the workbench has read its contributions, so the query is typed again until
 * the command shows up. Every step is retried from the start until a deadline: a key pressed while a
 * webview holds the focus reaches the workbench late (the webview forwards it), and can close the
 * palette just opened from the command center.
 */
export async function runCommand(page: Page, label: string): Promise<void> {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const input = await openPalette(page);
      await input.fill(`>${label}`, { timeout: 3_000 });
      await row.waitFor({ timeout: 3_000 });
      await input.press('Enter', { timeout: 3_000 });
      break;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      // Typing the same query again changes nothing: clear it, so that the next one is a new query.
      await page.locator('.quick-input-widget input').fill('>', { timeout: 1_000 }).catch(() => {});
    }
  }
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/**
 * Opens the command palette (unless it is open) and returns its input. F1 reaches the workbench only
 * when the keyboard focus is in it, not inside a webview (a view's button just clicked keeps it):
 * then the command center in the title bar opens the same quick input.
 */
async function openPalette(page: Page): Promise<Locator> {
  const input = page.locator('.quick-input-widget input');
  if (await input.isVisible()) return input;
  await page.keyboard.press('F1');
  try {
    await input.waitFor({ timeout: 3_000 });
  } catch {
    await page.locator('.command-center .search-label, .command-center').first().click();
    await input.waitFor({ timeout: 3_000 });
  }
  return input;
}

/** Opens a file of the workspace through Quick Open and waits for its editor. */
export async function openFile(page: Page, name: string): Promise<Locator> {
  const input = await openPalette(page);
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await input.press('Enter');
  await page.locator(`.tab.active[aria-label^="${name}"]`).waitFor();
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  await editor.locator('.view-lines').waitFor();
  return editor;
}

/** Moves the cursor of the active editor to a line (Quick Open ":line"). */
export async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}`);
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.locator('.active-line-number', { hasText: String(line) }).first().waitFor();
}

/** Saves a screenshot of the whole window under test/ui/output/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.mouse.move(1, 1); // no hover tooltip in the picture
  await page.screenshot({ path: join(outputDir, `${name}.png`) });
}
