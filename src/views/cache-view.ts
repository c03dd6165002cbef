/**
 * The cache view: a webview panel (media/cache-view/) showing every cache of the active vmscope
 * session as sets x ways, coloured by ASID, with per-ASID statistics. It follows the active session,
 * asks vmscope/cacheState at every stop, marks the lines that changed since the previous stop, goes
 * quiet when the session ends, and comes back after a reload (a WebviewPanelSerializer; the webview
 * keeps its selection with setState). It keeps each session's hit and miss counters per stop for
 * the view's plot (cache-history.ts), here rather than in the webview so that they survive a reload.
 * "Show Cache Line For Address" (address-target.ts) opens it with one address's lines marked.
 * Selecting a line asks for its bytes (`lineDetail`): this side reads them from the adapter, the
 * cache's plaintext beside DRAM's ciphertext (cache-line-detail.ts), and answers with the stop.
 * Messages: media/protocol.ts and media/cache-view/line-detail-protocol.ts, shared with the webview;
 * a malformed one is logged and dropped.
 */
import * as vscode from 'vscode';
import { webviewHtml } from './webview-html';
import { CACHE_STATE, type CacheStateResponse } from '../../adapter/protocol';
import { parseFromCacheView, type LineDetailRequest, type ToCacheView } from '../../media/cache-view/line-detail-protocol';
import { acceptMessage, changedSlots, type AddressTarget, type ToWebview } from '../../media/protocol';
import { addressTarget } from './address-target';
import { answerLineDetail } from './cache-line-detail';
import { sampleOf, StatsHistory } from './cache-history';
import type { SessionState } from './session-state';

export const CACHE_VIEW_TYPE = 'vmscope.cacheView';
export const OPEN_CACHE_VIEW = 'vmscope.openCacheView';
export const SHOW_CACHE_LINE = 'vmscope.showCacheLine';

interface SessionStops {
  previous?: CacheStateResponse;
  current?: CacheStateResponse;
  count: number;
  history: StatsHistory;
}

export class CacheView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly subs: vscode.Disposable[] = [];
  /**
   * Per session id: the state at the previous stop (for the "changed since the last stop" marks), at
   * this stop, and the stops seen. Refreshes between stops (view opened, reloaded, session switched)
   * compare with the same previous stop, so the marks stay.
   */
  private readonly stops = new Map<string, SessionStops>();
  private last: ToWebview = { type: 'idle', message: 'No vmscope debug session. Start one with "caches": true in its launch configuration.' };
  /** The webview has said 'ready' (it listens for messages). */
  private ready = false;
  /** An address to mark once the webview is ready. */
  private pending: AddressTarget | undefined;
  private readonly log = vscode.window.createOutputChannel('vmscope Cache View', { log: true });

  constructor(private readonly context: vscode.ExtensionContext, private readonly sessions: SessionState) {
    this.subs.push(
      this.log,
      vscode.commands.registerCommand(OPEN_CACHE_VIEW, () => this.open()),
      vscode.commands.registerCommand(SHOW_CACHE_LINE, (arg?: unknown) => this.showAddress(arg)),
      vscode.window.registerWebviewPanelSerializer(CACHE_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.adopt(panel),
      }),
      sessions.onDidChange((c) => {
        if (c.kind === 'ended' && c.session) this.stops.delete(c.session.id);
        if (c.kind === 'continued' && c.session === sessions.active) return this.post({ type: 'running' });
        void this.refresh(c.kind === 'stopped' ? c.session : undefined);
      }),
    );
  }

  open(): void {
    if (this.panel) return this.panel.reveal();
    this.adopt(vscode.window.createWebviewPanel(CACHE_VIEW_TYPE, 'vmscope: Caches', vscode.ViewColumn.Beside, this.options()));
  }

  /** Opens the view with the lines of a variable's (or a typed) physical address marked. */
  private async showAddress(arg: unknown): Promise<void> {
    const target = await addressTarget(arg, this.sessions.active);
    if (target === undefined) return;
    if (typeof target === 'string') {
      void vscode.window.showWarningMessage(`vmscope: cannot show the cache lines: ${target}`);
      return;
    }
    this.open();
    if (this.ready) this.post({ type: 'highlight', target });
    else this.pending = target;
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    // Only media/ is readable by the webview; scripts only with this document's nonce.
    return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'media')] };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.options();
    panel.webview.html = webviewHtml(this.context.extensionUri, panel.webview, 'cache-view', 'vmscope: Caches', ' aria-live="polite"');
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
    }, undefined, this.subs);
    panel.webview.onDidReceiveMessage((raw: unknown) => {
      const m = acceptMessage(raw, parseFromCacheView, (error) => this.log.error(error));
      if (m === undefined) return;
      if (m.type === 'lineDetail') return void this.lineDetail(m);
      if (m.type === 'ready') {
        this.ready = true;
        this.post(this.last);
      }
      // A marked address waits for the fresh state, so that the view shows the cache holding it.
      void this.refresh().finally(() => {
        if (this.pending && this.ready) this.post({ type: 'highlight', target: this.pending });
        this.pending = undefined;
      });
    }, undefined, this.subs);
  }

  /** Shows the active session's caches; `stopped`: the session that has just stopped. */
  private async refresh(stopped?: vscode.DebugSession): Promise<void> {
    if (stopped) {
      const st = this.stops.get(stopped.id) ?? { count: 0, history: new StatsHistory() };
      this.stops.set(stopped.id, { previous: st.current, count: st.count + 1, history: st.history });
    }
    const s = this.sessions.active;
    if (!s) return this.post({ type: 'idle', message: 'No vmscope debug session: the cache view shows the caches of the active vmscope session at each stop.' });
    if (!this.panel) return;
    try {
      const state = await this.sessions.request(s, CACHE_STATE);
      const st = this.stops.get(s.id) ?? { count: 0, history: new StatsHistory() };
      st.history.add(sampleOf(st.count, state));
      this.stops.set(s.id, { ...st, current: state });
      this.post({ type: 'state', session: s.name, stop: st.count, state, changed: changedSlots(st.previous, state), history: [...st.history.samples] });
    } catch (e) {
      // Caches off (the adapter's message says how to turn them on), not launched yet, or running.
      const message = (e as Error).message ?? String(e);
      if (/not stopped|running/i.test(message)) return;
      this.post({ type: 'idle', message });
    }
  }

  /** Reads the bytes of the line the webview selected, at the active session's current stop. */
  private async lineDetail(req: LineDetailRequest): Promise<void> {
    const s = this.sessions.active;
    if (!s) return this.post({ type: 'lineDetail', id: req.id, stop: 0, error: 'No vmscope debug session: the line\'s bytes are read at a stop.' });
    const stop = this.stops.get(s.id)?.count ?? 0;
    const reply = await answerLineDetail((command, args) => s.customRequest(command, args), req, stop);
    if (this.sessions.active === s) this.post(reply);
  }

  private post(m: ToCacheView): void {
    if (m.type !== 'running' && m.type !== 'highlight' && m.type !== 'lineDetail') this.last = m;
    void this.panel?.webview.postMessage(m);
  }


  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.panel?.dispose();
  }
}
