/**
 * The keys view's webview: the secure processor, its guests, the keys by ASID and the attestation
 * reports (render.ts), with a Verify button per report. Verify asks the extension host, which checks
 * the signature with Node's crypto and sends the state back with the verdict. Keyboard: every button
 * and every report's details are in the tab order (vscode-button, <details>). Messages are typed and
 * checked in media/protocol.ts, shared with the extension; a malformed one is logged and dropped.
 */
import '@vscode/codicons/dist/codicon.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import './style.css';
import { acceptMessage, parseToKeysView, type FromKeysView, type KeysViewPersisted, type ToKeysView } from '../protocol';
import { esc, keysBody, noCvmBody } from './render';

interface VsCodeApi {
  postMessage(m: FromKeysView): void;
  getState(): KeysViewPersisted | undefined;
  setState(s: KeysViewPersisted): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
document.body.dataset.view = 'keys'; // which view this is (tests find it by this)
let persisted: KeysViewPersisted = vscode.getState() ?? {};
const app = document.getElementById('app')!;

function save(p: Partial<KeysViewPersisted>): void {
  persisted = { ...persisted, ...p };
  vscode.setState(persisted);
}

function show(m: ToKeysView): void {
  if (m.type === 'running') {
    const s = document.querySelector('.status');
    if (s && !s.classList.contains('running')) {
      s.classList.add('running');
      s.textContent = `${s.textContent} (running: shown as at the last stop)`;
    }
    return;
  }
  save({ last: m });
  if (m.type === 'idle') {
    app.innerHTML = `<p class="idle" role="status"><span class="codicon codicon-info"></span> ${esc(m.message)}</p>`;
    return;
  }
  if (m.type === 'noCvm') {
    app.innerHTML = noCvmBody(m.session, m.message);
    return;
  }
  // Re-rendering replaces the page: keep the scroll position and the focused button.
  const y = window.scrollY;
  const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('.verify')?.dataset.index;
  const reports = m.sp?.reports.length ?? 0;
  app.innerHTML = `<header class="bar">
      <span class="status" role="status">${esc(m.session)}: stop ${m.stop}; ${m.keys.guests.length} guest${m.keys.guests.length === 1 ? '' : 's'}, ${m.keys.keys.length} key${m.keys.keys.length === 1 ? '' : 's'}, ${reports} report${reports === 1 ? '' : 's'}</span>
      <vscode-button id="refresh" secondary><span class="codicon codicon-refresh"></span> Refresh</vscode-button>
    </header>
    ${keysBody(m, new Set(persisted.open ?? []))}`;
  document.getElementById('refresh')!.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  for (const b of document.querySelectorAll<HTMLElement>('.verify')) {
    b.addEventListener('click', () => {
      const verdict = b.parentElement?.querySelector('.verdict');
      if (verdict) verdict.textContent = 'verifying...';
      vscode.postMessage({ type: 'verify', index: Number(b.dataset.index) });
    });
  }
  for (const d of document.querySelectorAll<HTMLDetailsElement>('details.report-fields')) {
    d.addEventListener('toggle', () => {
      const open = new Set(persisted.open ?? []);
      if (d.open) open.add(Number(d.dataset.index));
      else open.delete(Number(d.dataset.index));
      save({ open: [...open] });
    });
  }
  window.scrollTo(0, y);
  if (focused !== undefined) document.querySelector<HTMLElement>(`.verify[data-index="${focused}"]`)?.focus();
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = acceptMessage(e.data, parseToKeysView, (error) => console.error(error), 'keys view');
  if (m) show(m);
});
// After a reload: what was shown last, until the extension answers 'ready' with the current state
// (checked: it may come from an older version of the view).
const restored = persisted.last && acceptMessage(persisted.last, parseToKeysView, (error) => console.error(error), 'keys view');
if (restored) show(restored);
vscode.postMessage({ type: 'ready' });
