/**
 * The keys and ASIDs view: a webview panel (media/keys-view/) with the secure processor's guests
 * (handle, state, policy flags, ASID, key fingerprint, launch digest), the memory encryption engine's
 * keys by ASID, the chip id and key, and the attestation reports, each with a Verify button. Verify
 * checks the report's signature here, in the extension host, with Node's crypto against the chip key
 * the adapter reports (report-verify.ts, the checks of `vmscope verify-report`); the verdicts are kept
 * per session so that they survive a reload of the webview. A machine without the hardware gets an
 * empty state that says how to turn it on. Session following, stops, reloads: session-panel.ts.
 */
import * as vscode from 'vscode';
import { KEYS, SECURE_PROCESSOR } from '../../adapter/protocol';
import { parseFromKeysView, type FromKeysView, type ToKeysView } from '../../media/protocol';
import { isNoCvm, VerdictStore, verifySpReport } from './report-verify';
import { SessionPanel } from './session-panel';
import type { SessionState } from './session-state';

export const KEYS_VIEW_TYPE = 'vmscope.keysView';
export const OPEN_KEYS_VIEW = 'vmscope.openKeysView';
/** Set when a report verified as valid (the walkthrough's step completes on it). */
export const REPORT_VERIFIED_CONTEXT = 'vmscope.walkthrough.reportVerified';

const NO_SESSION = 'No vmscope debug session: this view shows the secure processor, keys and attestation reports of the active vmscope session at each stop.';

type KeysState = Extract<ToKeysView, { type: 'keys' }>;

export class KeysView extends SessionPanel<ToKeysView, FromKeysView> {
  /** Per session id: the verdicts of the reports verified so far. */
  private readonly verdicts = new Map<string, VerdictStore>();
  /** Per session id: the state shown last, whose reports Verify checks. */
  private readonly shown = new Map<string, KeysState>();

  constructor(context: vscode.ExtensionContext, sessions: SessionState) {
    super(context, sessions, { viewType: KEYS_VIEW_TYPE, title: 'vmscope: Keys and ASIDs', bundle: 'keys-view', name: 'keys view', parse: parseFromKeysView }, NO_SESSION);
    this.subs.push(vscode.commands.registerCommand(OPEN_KEYS_VIEW, () => this.open()));
  }

  protected override forget(id: string): void {
    this.verdicts.delete(id);
    this.shown.delete(id);
  }

  protected async compute(s: vscode.DebugSession, stop: number): Promise<ToKeysView | undefined> {
    let keys;
    let sp;
    try {
      keys = await this.request(s, KEYS);
      sp = keys.secureProcessor ? await this.request(s, SECURE_PROCESSOR) : null;
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      if (isNoCvm(message)) return { type: 'noCvm', session: s.name, message };
      // Not launched yet: the first stop brings the state.
      if (/no program is loaded/i.test(message)) return undefined;
      return { type: 'idle', message };
    }
    const state: KeysState = { type: 'keys', session: s.name, stop, keys, sp, verdicts: this.storeOf(s.id).current(sp?.reports ?? []) };
    this.shown.set(s.id, state);
    return state;
  }

  protected onMessage(m: FromKeysView): void {
    if (m.type !== 'verify') return;
    const s = this.sessions.active;
    const shown = s && this.shown.get(s.id);
    const report = shown?.sp?.reports.find((r) => r.index === m.index);
    if (!s || !shown?.sp || !report) {
      this.log.warn(`keys view: no report ${m.index} in the state shown, nothing verified`);
      return;
    }
    const verdict = verifySpReport(report, shown.sp.chipPublicKeyPem, shown.stop);
    this.log.info(`keys view: report ${report.index} (guest ${report.handle}): ${verdict.summary}`);
    const store = this.storeOf(s.id);
    store.set(report, verdict);
    if (verdict.valid) void vscode.commands.executeCommand('setContext', REPORT_VERIFIED_CONTEXT, true);
    // The state as shown, with the verdict: no new request, so it works while the machine runs too.
    const next = { ...shown, verdicts: store.current(shown.sp.reports) };
    this.shown.set(s.id, next);
    this.post(next);
  }

  private storeOf(id: string): VerdictStore {
    let v = this.verdicts.get(id);
    if (!v) this.verdicts.set(id, (v = new VerdictStore()));
    return v;
  }
}
