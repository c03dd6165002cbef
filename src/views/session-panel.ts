/**
 * What the keys view and the memory view share, as the cache view does it (cache-view.ts): a webview
 * panel (one at a time) that follows the active vmscope session, refreshes at every stop, says when
 * the session runs, goes quiet when it ends, and comes back after a reload (a WebviewPanelSerializer;
 * the webview keeps its own state with setState and the last message it showed). The HTML has a strict
 * content security policy: nothing but the view's own bundle (media/dist/, with this document's nonce)
 * and fonts from the extension; no network. Messages from the webview are checked (media/protocol.ts)
 * and a malformed one is logged to the view's output channel and dropped.
 */
import * as vscode from 'vscode';
import { webviewHtml } from './webview-html';
import type { CustomRequests } from '../../adapter/protocol';
import { acceptMessage } from '../../media/protocol';
import type { SessionChange, SessionState } from './session-state';

export interface PanelKind<From> {
  viewType: string;
  /** The tab's title, e.g. "vmscope: Keys and ASIDs". */
  title: string;
  /** The webview's bundle: media/dist/<bundle>.js and .css (scripts/build.mjs). */
  bundle: string;
  /** For logs: "keys view". */
  name: string;
  parse(m: unknown): From | string;
}

/** The messages every view understands besides its own. */
type Common = { type: 'ready' } | { type: 'refresh' };
export type Quiet = { type: 'idle'; message: string } | { type: 'running' };

export abstract class SessionPanel<To extends { type: string }, From extends { type: string }> implements vscode.Disposable {
  protected panel: vscode.WebviewPanel | undefined;
  /** The webview has said 'ready' (it listens for messages). */
  private ready = false;
  /** The last message shown (not 'running'), sent again when the webview (re)loads. */
  private last: To;
  protected readonly subs: vscode.Disposable[] = [];
  protected readonly log: vscode.LogOutputChannel;
  /** Stops seen per session id: "stop N" in the views. */
  private readonly stops = new Map<string, number>();
  /** Bumped by every update: an answer that arrives after a newer update started is dropped. */
  private generation = 0;

  constructor(protected readonly context: vscode.ExtensionContext, protected readonly sessions: SessionState, private readonly kind: PanelKind<From | Common>, private readonly noSession: string) {
    this.last = this.quiet({ type: 'idle', message: noSession });
    this.log = vscode.window.createOutputChannel(`vmscope ${kind.title.replace(/^vmscope: /, '')}`, { log: true });
    this.subs.push(
      this.log,
      vscode.window.registerWebviewPanelSerializer(kind.viewType, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          this.restore(state);
          this.adopt(panel);
        },
      }),
      sessions.onDidChange((c) => this.sessionChanged(c)),
    );
  }

  /** What the view shows for session `s` at stop `stop`; undefined to leave the view as it is. */
  protected abstract compute(s: vscode.DebugSession, stop: number): Promise<To | undefined>;
  /** A message of the view's own (not ready / refresh). */
  protected abstract onMessage(m: From): void;
  /** Session `s` has stopped (before the update that follows). */
  protected stopped(_s: vscode.DebugSession): void {}
  /** Session `id` has ended: drop what is kept for it. */
  protected forget(_id: string): void {}
  /** After a window reload: the state the webview had saved with setState (unchecked). */
  protected restore(_state: unknown): void {}

  open(): void {
    if (this.panel) return this.panel.reveal();
    this.adopt(vscode.window.createWebviewPanel(this.kind.viewType, this.kind.title, vscode.ViewColumn.Beside, this.options()));
  }

  protected get isReady(): boolean {
    return this.ready && this.panel !== undefined;
  }

  protected stopOf(s: vscode.DebugSession): number {
    return this.stops.get(s.id) ?? 0;
  }

  /** A typed custom request with arguments (SessionState.request sends none). */
  protected request<K extends keyof CustomRequests>(s: vscode.DebugSession, command: K, args?: CustomRequests[K]['args']): Promise<CustomRequests[K]['body']> {
    return Promise.resolve(s.customRequest(command, args)) as Promise<CustomRequests[K]['body']>;
  }

  /** The 'idle' and 'running' messages are in every view's union. */
  protected quiet(m: Quiet): To {
    return m as unknown as To;
  }

  private sessionChanged(c: SessionChange): void {
    const s = c.session;
    if (c.kind === 'stopped' && s) {
      this.stops.set(s.id, this.stopOf(s) + 1);
      this.stopped(s);
    }
    if (c.kind === 'ended' && s) {
      this.stops.delete(s.id);
      this.forget(s.id);
      const active = this.sessions.active;
      if (active === undefined || active.id === s.id) {
        this.generation++;
        return this.post(this.quiet({ type: 'idle', message: `The debug session "${s.name}" has ended. ${this.noSession}` }));
      }
    }
    if (c.kind === 'continued') {
      if (s !== undefined && s === this.sessions.active) this.post(this.quiet({ type: 'running' }));
      return;
    }
    void this.update();
  }

  /** Shows the active session as it is now. */
  protected async update(): Promise<void> {
    const generation = ++this.generation;
    const s = this.sessions.active;
    if (!s) return this.post(this.quiet({ type: 'idle', message: this.noSession }));
    if (!this.panel) return;
    let m: To | undefined;
    try {
      m = await this.compute(s, this.stopOf(s));
    } catch (e) {
      this.log.error(`${this.kind.name}: ${(e as Error).message ?? String(e)}`);
      return;
    }
    if (generation === this.generation && m !== undefined) this.post(m);
  }

  protected post(m: To): void {
    if (m.type !== 'running') this.last = m;
    void this.panel?.webview.postMessage(m);
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    // Only media/ is readable by the webview; scripts only with this document's nonce.
    return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'media')] };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.options();
    panel.webview.html = webviewHtml(this.context.extensionUri, panel.webview, this.kind.bundle, this.kind.title);
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
      this.ready = false;
    }, undefined, this.subs);
    panel.webview.onDidReceiveMessage((raw: unknown) => {
      const m = acceptMessage(raw, this.kind.parse, (error) => this.log.error(error), this.kind.name);
      if (m === undefined) return;
      if (m.type === 'ready') {
        this.ready = true;
        this.post(this.last);
        void this.update();
      } else if (m.type === 'refresh') {
        void this.update();
      } else {
        this.onMessage(m as From);
      }
    }, undefined, this.subs);
  }


  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.panel?.dispose();
  }
}
