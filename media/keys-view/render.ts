/**
 * The keys view as markup (plain strings; main.ts puts them in the page and wires the buttons): the
 * secure processor, its guests, the key table by ASID, and the attestation reports with their Verify
 * buttons and verdicts. No DOM here, so the unit tests read it as it is.
 */
import type { KeySlot, KeysResponse, SecureProcessorResponse, SpGuestState, SpReportState } from '../../adapter/protocol';
import type { ReportVerdict, ToKeysView } from '../protocol';

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const hex8 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** Hex broken into groups of `perLine` bytes, one per line (long digests stay readable in a narrow view). */
export function hexLines(hex: string, perLine = 16): string {
  const out: string[] = [];
  for (let i = 0; i < hex.length; i += perLine * 2) out.push(hex.slice(i, i + perLine * 2));
  return out.join('\n');
}

/** The printable text of hex bytes up to the first NUL, when it is all printable ASCII (report_data often is). */
export function asText(hex: string): string | undefined {
  let s = '';
  for (let i = 0; i < hex.length; i += 2) {
    const b = parseInt(hex.slice(i, i + 2), 16);
    if (b === 0) break;
    if (b < 0x20 || b >= 0x7f) return undefined;
    s += String.fromCharCode(b);
  }
  return s.length > 0 ? s : undefined;
}

export const policyText = (policy: number, flags: readonly string[]): string => `${hex8(policy)} (${flags.length ? flags.join(', ') : 'no flags'})`;

/** The guest whose launch digest is the report's measurement (the report's own guest first). */
export function measuredGuest(r: SpReportState, guests: readonly SpGuestState[]): SpGuestState | undefined {
  const same = (g: SpGuestState) => g.digest.toLowerCase() === r.measurement.toLowerCase();
  return guests.find((g) => g.handle === r.handle && same(g)) ?? guests.find(same);
}

type KeysState = Extract<ToKeysView, { type: 'keys' }>;

export function keysBody(m: KeysState, open: ReadonlySet<number>): string {
  return `${spSection(m.sp, m.keys)}${guestsSection(m.keys)}${keyTable(m.keys)}${reportsSection(m, open)}`;
}

function spSection(sp: SecureProcessorResponse | null, k: KeysResponse): string {
  if (!sp) {
    return `<section aria-labelledby="sp-title"><h2 id="sp-title">Secure processor</h2>
      <p class="note"><span class="codicon codicon-info"></span> This machine encrypts memory but has no secure processor, so there are no launched guests, launch digests or reports. Add <code>"secure-processor"</code> to <code>"features"</code> in its machine configuration file (launch attribute <code>config</code>).</p>
      ${cipherLine(k)}</section>`;
  }
  const last = sp.lastCommand ? `${esc(sp.lastCommand.name)} -&gt; ${esc(sp.lastCommand.statusName)}` : 'none yet';
  const counts = Object.entries(sp.commands).map(([n, c]) => `${esc(n)} ${c}`).join(', ') || 'none';
  return `<section aria-labelledby="sp-title"><h2 id="sp-title">Secure processor</h2>
    <dl class="fields">
      <dt>chip id</dt><dd class="hex" data-field="chip-id">${esc(hexLines(sp.chipId, 32))}</dd>
      <dt>last command</dt><dd>${last}</dd>
      <dt>commands run</dt><dd>${counts}</dd>
      <dt>chip public key</dt><dd><details><summary>ECDSA P-384 (SPKI PEM): what Verify checks reports with</summary><pre class="pem">${esc(sp.chipPublicKeyPem)}</pre></details></dd>
    </dl>${cipherLine(k)}</section>`;
}

function cipherLine(k: KeysResponse): string {
  return `<p class="note">Machine seed ${k.seed} (keys, tweaks and the chip key derive from it); ${esc(k.cipher)}; C-bit: ${esc(k.cbit)}.</p>`;
}

function guestsSection(k: KeysResponse): string {
  if (!k.secureProcessor) return '';
  const keyOf = (asid: number | null): KeySlot | undefined => (asid === null ? undefined : k.keys.find((s) => s.asid === asid));
  const rows = k.guests.map((g) => {
    const key = keyOf(g.asid);
    const policy = policyText(g.policy, g.policyFlags);
    return `<tr data-handle="${g.handle}">
      <td class="num">${g.handle}</td>
      <td>${esc(g.state)}</td>
      <td>${esc(policy)}${g.nodbg ? ' <span class="tag" title="NODBG: plaintext views of this guest are the emulator\'s; a real hypervisor could not show them (cvm-model 5.6)">NODBG</span>' : ''}</td>
      <td class="num">${g.asid === null ? '<span class="dim">none</span>' : g.asid}</td>
      <td class="hex">${key ? esc(key.fingerprint) : '<span class="dim">no key</span>'}</td>
      <td class="num">${g.reports}</td>
    </tr>`;
  }).join('');
  const digests = k.guests.map((g) => `<dt>guest ${g.handle}</dt><dd class="hex" data-digest="${g.handle}">${esc(hexLines(g.digest, 24))}</dd>`).join('');
  return `<section aria-labelledby="guests-title"><h2 id="guests-title">Guests</h2>
    ${k.guests.length === 0 ? '<p class="dim">No guest launched yet (LAUNCH_START).</p>' : `
    <table class="grid guests"><caption class="sr-only">Secure-processor guests</caption>
      <thead><tr><th scope="col">handle</th><th scope="col">state</th><th scope="col">policy</th><th scope="col">ASID</th><th scope="col" title="first 8 bytes of SHA-384 of the key; the key never leaves the hardware">key fingerprint</th><th scope="col">reports</th></tr></thead>
      <tbody>${rows}</tbody>
    </table>
    <h3>Launch digests (SHA-384, SNP style: what a report's measurement must equal)</h3>
    <dl class="fields">${digests}</dl>`}
  </section>`;
}

function keyTable(k: KeysResponse): string {
  const rows = k.keys.map((s) => `<tr data-asid="${s.asid}"><td class="num">${s.asid}</td><td>${esc(s.name ?? '')}</td><td class="hex">${esc(s.fingerprint)}</td><td class="num">${s.pagesInView}</td><td>${s.handle !== undefined ? `guest ${s.handle}` : '<span class="dim">bound another way</span>'}</td></tr>`).join('');
  const aes = Object.entries(k.aes).map(([n, v]) => `${esc(n)} ${v}`).join(', ');
  return `<section aria-labelledby="keys-title"><h2 id="keys-title">Keys by ASID</h2>
    ${k.keys.length === 0 ? '<p class="dim">No key bound to any ASID (ACTIVATE): every guest runs unencrypted.</p>' : `
    <table class="grid keys"><caption class="sr-only">Memory encryption keys by ASID</caption>
      <thead><tr><th scope="col">ASID</th><th scope="col">VM</th><th scope="col">key fingerprint</th><th scope="col" title="RAM pages the CPU currently sees through this key">pages in view</th><th scope="col">owner</th></tr></thead>
      <tbody>${rows}</tbody>
    </table>`}
    <p class="note">ASID = hgatp.VMID; ASID 0 is the host. Engine counters: ${aes || 'none'}.</p>
  </section>`;
}

function reportsSection(m: KeysState, open: ReadonlySet<number>): string {
  if (!m.sp) return '';
  const reports = m.sp.reports;
  const body = reports.length === 0
    ? '<p class="dim">No attestation report yet: a guest asks for one through its hypervisor (ATTESTATION_REPORT).</p>'
    : reports.map((r) => report(r, m.sp!, m.keys.guests, m.verdicts[String(r.index)], open.has(r.index))).join('');
  return `<section aria-labelledby="reports-title"><h2 id="reports-title">Attestation reports</h2>${body}</section>`;
}

function report(r: SpReportState, sp: SecureProcessorResponse, guests: readonly SpGuestState[], v: ReportVerdict | undefined, isOpen: boolean): string {
  const measured = measuredGuest(r, guests);
  const text = asText(r.reportData);
  const chipOk = r.chipId.toLowerCase() === sp.chipId.toLowerCase();
  const rows: [string, string][] = [
    ['version', String(r.version)],
    ['guest', `handle ${r.handle}`],
    ['policy', esc(policyText(r.policy, r.policyFlags))],
    ['measurement', `<span class="hex">${esc(hexLines(r.measurement, 24))}</span><div class="${measured ? 'ok' : 'bad'}">${measured ? `= the launch digest of guest ${measured.handle}` : 'matches no guest\'s launch digest'}</div>`],
    ['report_data', `<span class="hex">${esc(hexLines(r.reportData, 32))}</span>${text ? `<div>"${esc(text)}"</div>` : ''}`],
    ['host_data', `<span class="hex">${esc(r.hostData)}</span>`],
    ['report_id', `<span class="hex">${esc(r.reportId)}</span>`],
    ['chip_id', `<span class="hex">${esc(hexLines(r.chipId, 32))}</span><div class="${chipOk ? 'ok' : 'bad'}">${chipOk ? '= this machine\'s chip id' : 'another chip\'s id'}</div>`],
    ['signature', `algorithm ${r.signatureAlgo}${r.signatureAlgo === 1 ? ' (ECDSA P-384 with SHA-384)' : ''}<div class="hex">r ${esc(r.signature.r)}</div><div class="hex">s ${esc(r.signature.s)}</div>`],
  ];
  const verdict = v === undefined
    ? '<span class="verdict unchecked" data-verdict="none">not verified</span>'
    : `<span class="verdict ${v.valid ? 'valid' : 'invalid'}" data-verdict="${v.valid ? 'valid' : 'invalid'}"><span class="codicon codicon-${v.valid ? 'pass' : 'error'}"></span> ${v.valid ? 'valid' : 'invalid'}</span>`;
  const checked = v === undefined ? '' : `<div class="verdict-detail ${v.valid ? 'valid' : 'invalid'}" role="status"><p>${esc(v.summary)} <span class="dim">(checked at stop ${v.stop})</span></p>
    ${v.fields.length ? `<table class="grid fields-table"><caption>As <code>vmscope verify-report</code> decodes it</caption><tbody>${v.fields.map(([k, val]) => `<tr><th scope="row">${esc(k)}</th><td class="hex">${esc(val)}</td></tr>`).join('')}</tbody></table>` : ''}</div>`;
  return `<article class="report" data-index="${r.index}" aria-labelledby="report-${r.index}">
    <header><h3 id="report-${r.index}">Report ${r.index}: guest ${r.handle}</h3>
      <vscode-button class="verify" data-index="${r.index}" aria-label="Verify the signature of report ${r.index}"><span class="codicon codicon-verified"></span> Verify</vscode-button>
      ${verdict}</header>
    ${checked}
    <details class="report-fields" data-index="${r.index}"${isOpen ? ' open' : ''}><summary>Fields (SEV-SNP layout, 0x4A0 bytes)</summary>
      <dl class="fields">${rows.map(([k, val]) => `<dt>${k}</dt><dd>${val}</dd>`).join('')}</dl>
    </details>
  </article>`;
}

/** The empty state of a machine without confidential-VM hardware: the adapter's message and how to turn it on. */
export function noCvmBody(session: string, message: string): string {
  return `<div class="empty" role="status">
    <h2><span class="codicon codicon-shield"></span> No confidential-VM hardware in "${esc(session)}"</h2>
    <p>${esc(message)}</p>
    <p>Turn it on in the machine configuration file that the launch configuration names with <code>"config"</code>:</p>
    <pre class="snippet">{
  "features": ["secure-processor"],
  "seed": 4
}</pre>
    <p>Features, each implying the ones before it: <code>memory-encryption</code> (keys per ASID, the C-bit), <code>secure-processor</code> (launch, launch digest, attestation reports), <code>register-protection</code> (SEV-ES-like), <code>integrity</code> (SEV-SNP-like RMP). A fixed <code>seed</code> gives the same keys, ciphertext and chip key on every run. <code>examples/cvm</code> has a complete setup.</p>
  </div>`;
}
