/**
 * Where the views get machine state: typed custom requests (adapter/protocol.ts CustomRequests) to
 * the active vmscope session, and an event at every stop (a DebugAdapterTracker watching the
 * adapter's `stopped`/`continued` events) and when the active session changes or ends.
 */
import * as vscode from 'vscode';
import type { CustomRequests } from '../../adapter/protocol';

export type SessionChange = { kind: 'stopped' | 'continued' | 'ended' | 'active'; session: vscode.DebugSession | undefined };

export class SessionState implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SessionChange>();
  /** Fires at every stop, continue and end of a vmscope session, and when the active session changes. */
  readonly onDidChange = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor() {
    this.subs = [
      vscode.debug.registerDebugAdapterTrackerFactory('vmscope', {
        createDebugAdapterTracker: (session) => ({
          onDidSendMessage: (m: { type?: string; event?: string }) => {
            if (m.type === 'event' && (m.event === 'stopped' || m.event === 'continued')) this.emitter.fire({ kind: m.event, session });
          },
        }),
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        if (session.type === 'vmscope') this.emitter.fire({ kind: 'ended', session });
      }),
      vscode.debug.onDidChangeActiveDebugSession((session) => this.emitter.fire({ kind: 'active', session })),
    ];
  }

  /** The active debug session when it is vmscope's. */
  get active(): vscode.DebugSession | undefined {
    const s = vscode.debug.activeDebugSession;
    return s?.type === 'vmscope' ? s : undefined;
  }

  request<K extends keyof CustomRequests>(session: vscode.DebugSession, command: K): Promise<CustomRequests[K]['body']> {
    return Promise.resolve(session.customRequest(command)) as Promise<CustomRequests[K]['body']>;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}
