/**
 * The memory view's webview: an address box (any memory reference), an ASID selector, a length and
 * page buttons above a table of 16-byte blocks, the guest's plaintext beside DRAM's ciphertext
 * (render.ts), the bytes changed since the previous stop marked. The form is built once and kept
 * while stops re-render the table, so typing is never lost. Keyboard: Enter in the address box shows
 * it, Alt+PageUp / Alt+PageDown page, the table is a scrollable region in the tab order. Messages are
 * typed and checked in media/protocol.ts, shared with the extension; a malformed one is logged.
 */
import '@vscode/codicons/dist/codicon.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import './style.css';
import { MAX_ASID, parseMemoryReference } from '../../adapter/protocol';
import {
  acceptMessage, MEMORY_VIEW_DEFAULT_LENGTH, MEMORY_VIEW_LENGTHS, parseToMemoryView, type AsidChoice, type FromMemoryView, type MemoryViewPersisted,
  type MemoryViewRequest, type ToMemoryView,
} from '../protocol';
import { pageRequest, withAsid } from './model';
import { esc, pairsLegend, pairsTable, summary } from './render';

interface VsCodeApi {
  postMessage(m: FromMemoryView): void;
  getState(): MemoryViewPersisted | undefined;
  setState(s: MemoryViewPersisted): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
type Field = HTMLElement & { value: string };

const vscode = acquireVsCodeApi();
document.body.dataset.view = 'memory'; // which view this is (tests find it by this)
let persisted: MemoryViewPersisted = vscode.getState() ?? {};
const app = document.getElementById('app')!;
/** The range shown (or asked for), what the form edits. */
let request: MemoryViewRequest | undefined;

function save(p: Partial<MemoryViewPersisted>): void {
  persisted = { ...persisted, ...p };
  vscode.setState(persisted);
}

app.innerHTML = `
  <header class="bar"><span class="status" role="status"></span>
    <vscode-button id="refresh" secondary><span class="codicon codicon-refresh"></span> Refresh</vscode-button></header>
  <form id="form" class="form" hidden>
    <span class="control"><label for="address">Address</label>
    <vscode-textfield id="address" placeholder="gpa:1:0x80001000, phys:0x8000e000, dec:1:0x..., va:0:0x..." aria-describedby="address-help"></vscode-textfield></span>
    <span class="control"><label for="asid">ASID</label>
    <vscode-single-select id="asid" aria-label="ASID whose plaintext to show"></vscode-single-select></span>
    <span class="control"><label for="length">Length</label>
    <vscode-single-select id="length" aria-label="Bytes to show"></vscode-single-select></span>
    <span class="control">
    <vscode-button id="go"><span class="codicon codicon-arrow-right"></span> Show</vscode-button>
    <vscode-button id="prev" secondary title="Alt+PageUp" aria-label="Previous range (Alt+PageUp)"><span class="codicon codicon-chevron-left"></span> Previous</vscode-button>
    <vscode-button id="next" secondary title="Alt+PageDown" aria-label="Next range (Alt+PageDown)">Next <span class="codicon codicon-chevron-right"></span></vscode-button></span>
    <div id="address-help" class="help">Any memory reference: <code>phys:</code> (DRAM), <code>dec:&lt;asid&gt;:</code> (DRAM through a key), <code>gpa:&lt;vmid&gt;:</code> / <code>gpa:&lt;vmid&gt;:shared:</code> (guest-physical), <code>va:&lt;hart&gt;:</code> (through the hart's translation), or a bare address (physical).</div>
    <div id="form-error" class="form-error" role="alert"></div>
  </form>
  <div id="content"></div>`;

const status = app.querySelector<HTMLElement>('.status')!;
const form = document.getElementById('form') as HTMLFormElement;
const address = document.getElementById('address') as Field;
const asidSelect = document.getElementById('asid') as Field;
const lengthSelect = document.getElementById('length') as Field;
const formError = document.getElementById('form-error')!;
const content = document.getElementById('content')!;

const lengthLabel = (n: number): string => (n >= 1024 && n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`);

/** The ASID a reference names itself (gpa:'s VMID, dec:'s ASID), for the selector. */
function namedAsid(r: MemoryViewRequest): number | undefined {
  const ref = parseMemoryReference(r.memoryReference);
  if (typeof ref === 'string') return undefined;
  if (ref.space.kind === 'gpa') return ref.space.vmid;
  if (ref.space.kind === 'phys') return ref.space.asid;
  return undefined;
}

/** The reference last put in the address box, and whether the user has typed there since. */
let filled = '';
let typed = false;

/**
 * Puts `r` into the form. The address box keeps what the user is typing when a stop shows the same
 * range again; a new range (the context menu, a page button) replaces it.
 */
function fillForm(r: MemoryViewRequest, asids: readonly AsidChoice[], shownAsid: number | undefined): void {
  form.hidden = false;
  if (!typed || r.memoryReference !== filled) {
    address.value = r.memoryReference;
    filled = r.memoryReference;
    typed = false;
  }
  const selected = r.asid ?? namedAsid(r);
  const choices = [...asids];
  for (const a of [selected, shownAsid]) if (a !== undefined && !choices.some((c) => c.asid === a)) choices.push({ asid: a, label: `ASID ${a}` });
  const auto = shownAsid !== undefined && r.asid === undefined && namedAsid(r) === undefined ? `as the reference says (ASID ${shownAsid})` : 'as the reference says';
  // The choice as the options' `selected` attribute: the select reads its options when they are slotted.
  const option = (value: string, label: string, on: boolean) => `<vscode-option value="${value}"${on ? ' selected' : ''}>${esc(label)}</vscode-option>`;
  asidSelect.innerHTML = option('', auto, selected === undefined) + choices.map((c) => option(String(c.asid), c.label, c.asid === selected)).join('');
  const lengths = MEMORY_VIEW_LENGTHS.includes(r.length) ? MEMORY_VIEW_LENGTHS : [...MEMORY_VIEW_LENGTHS, r.length].sort((a, b) => a - b);
  lengthSelect.innerHTML = lengths.map((n) => option(String(n), lengthLabel(n), n === r.length)).join('');
}

function ask(r: MemoryViewRequest | string): void {
  if (typeof r === 'string') {
    formError.textContent = r;
    return;
  }
  formError.textContent = '';
  typed = false;
  request = r;
  vscode.postMessage({ type: 'show', request: r });
}

/** The form as a request: the address box's reference with the chosen length and ASID. */
function fromForm(): MemoryViewRequest | string {
  const text = address.value.trim();
  const ref = parseMemoryReference(text);
  if (typeof ref === 'string') return ref;
  const length = Number(lengthSelect.value) || request?.length || MEMORY_VIEW_DEFAULT_LENGTH;
  // A new phys: reference keeps the ASID chosen for the last one; the other spaces name their own (a
  // va: one the VMID its hart runs).
  const asid = request?.asid;
  const keep = asid !== undefined && asid >= 1 && asid <= MAX_ASID && ref.space.kind === 'phys' && ref.space.asid === undefined;
  return { memoryReference: text, length, ...(keep ? { asid } : {}) };
}

function page(direction: -1 | 1): void {
  if (request) ask(pageRequest(request, direction));
}

document.getElementById('refresh')!.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
document.getElementById('go')!.addEventListener('click', () => ask(fromForm()));
document.getElementById('prev')!.addEventListener('click', () => page(-1));
document.getElementById('next')!.addEventListener('click', () => page(1));
form.addEventListener('submit', (e) => e.preventDefault());
address.addEventListener('input', () => {
  typed = true;
});
address.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  e.preventDefault();
  ask(fromForm());
});
asidSelect.addEventListener('change', () => {
  if (!request) return;
  const v = asidSelect.value;
  ask(withAsid(request, v === '' ? undefined : Number(v)));
});
lengthSelect.addEventListener('change', () => {
  const n = Number(lengthSelect.value);
  if (request && n > 0) ask({ ...request, length: n });
});
document.addEventListener('keydown', (e) => {
  if (!e.altKey || (e.key !== 'PageUp' && e.key !== 'PageDown')) return;
  e.preventDefault();
  page(e.key === 'PageUp' ? -1 : 1);
});

function show(m: ToMemoryView): void {
  if (m.type === 'running') {
    if (!status.classList.contains('running')) {
      status.classList.add('running');
      status.textContent = `${status.textContent} (running: shown as at the last stop)`;
    }
    return;
  }
  save({ last: m });
  status.classList.remove('running');
  if (m.type === 'idle') {
    status.textContent = '';
    form.hidden = true;
    content.innerHTML = `<p class="idle" role="status"><span class="codicon codicon-info"></span> ${esc(m.message)}</p>`;
    return;
  }
  if (m.type === 'noCvm') {
    status.textContent = m.session;
    form.hidden = true;
    content.innerHTML = `<div class="empty"><h2><span class="codicon codicon-shield"></span> No memory encryption in "${esc(m.session)}"</h2>
      <p>${esc(m.message)}</p>
      <p>This view shows what a guest reads beside what DRAM holds, which differ only on a machine that encrypts memory. Turn it on in the machine configuration file (launch attribute <code>"config"</code>): <code>"features": ["secure-processor"]</code> (or <code>"memory-encryption"</code>), as <code>examples/cvm/cvm.vmscope.json</code> does.</p></div>`;
    return;
  }
  request = m.request;
  status.textContent = `${m.session}: stop ${m.stop}`;
  if (m.type === 'error') {
    fillForm(m.request, m.asids, undefined);
    content.innerHTML = `<p class="error" role="alert"><span class="codicon codicon-error"></span> ${esc(m.message)}</p>`;
    return;
  }
  fillForm(m.request, m.asids, m.pair.asid);
  const y = window.scrollY;
  const notes = [
    m.pair.nodbg ? `<p class="nodbg" role="note"><span class="codicon codicon-warning"></span> ${esc(m.pair.note ?? 'NODBG')}</p>` : '',
    !m.pair.nodbg && m.pair.note ? `<p class="note" role="note"><span class="codicon codicon-info"></span> ${esc(m.pair.note)}</p>` : '',
  ].join('');
  content.innerHTML = `<p class="summary">${esc(summary(m.pair, m.changed))}</p>${notes}
    <div class="pairs-wrap" tabindex="0" role="region" aria-label="plaintext and ciphertext of ${esc(m.pair.memoryReference)}">${pairsTable(m.pair, m.changed)}</div>
    ${pairsLegend(m.pair, m.changed)}`;
  window.scrollTo(0, y);
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = acceptMessage(e.data, parseToMemoryView, (error) => console.error(error), 'memory view');
  if (m) show(m);
});
// After a reload: what was shown last, until the extension answers 'ready' with the current state
// (checked: it may come from an older version of the view).
const restored = persisted.last && acceptMessage(persisted.last, parseToMemoryView, (error) => console.error(error), 'memory view');
if (restored) show(restored);
vscode.postMessage({ type: 'ready' });
