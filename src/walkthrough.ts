/**
 * The walkthrough "Debug your first confidential VM" (package.json contributes.walkthroughs, texts in
 * media/walkthrough/). Steps complete on context keys set here from what the user really did:
 * a breakpoint exists, a vmscope session started, a step request, a disassemble request.
 */
import * as vscode from 'vscode';

export const WALKTHROUGH_ID = 'vmscope.vmscope#vmscope.firstVm';

const CONTEXT = {
  breakpoint: 'vmscope.walkthrough.breakpointSet',
  started: 'vmscope.walkthrough.debugStarted',
  stepped: 'vmscope.walkthrough.stepped',
  disassembly: 'vmscope.walkthrough.disassemblyShown',
} as const;

function setContext(key: string): void {
  void vscode.commands.executeCommand('setContext', key, true);
}

/**
 * Opens examples/hello/hello.c: from the workspace when it has the example, otherwise from a copy
 * of the one inside the extension (in global storage), opened as the workspace folder.
 */
async function openHelloExample(context: vscode.ExtensionContext): Promise<void> {
  // The example's hello.c: the one with hello.elf next to it (the workspace may be examples/ or hello/).
  for (const c of await vscode.workspace.findFiles('**/hello.c', '**/node_modules/**', 20)) {
    try {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(c, '..', 'hello.elf'));
    } catch {
      continue;
    }
    await vscode.window.showTextDocument(c, { preview: false });
    return;
  }
  const source = vscode.Uri.joinPath(context.extensionUri, 'examples', 'hello');
  const copy = vscode.Uri.joinPath(context.globalStorageUri, 'hello');
  await vscode.workspace.fs.copy(source, copy, { overwrite: true });
  // The window reloads with the folder; clicking the step again then opens hello.c.
  await vscode.commands.executeCommand('vscode.openFolder', copy, { forceNewWindow: false });
}

/** Sees the requests VS Code sends to the adapter; only for the walkthrough's completion events. */
class WalkthroughTracker implements vscode.DebugAdapterTracker {
  onWillReceiveMessage(message: { type?: string; command?: string }): void {
    if (message.type !== 'request') return;
    if (message.command === 'next' || message.command === 'stepIn' || message.command === 'stepOut') setContext(CONTEXT.stepped);
    if (message.command === 'disassemble') setContext(CONTEXT.disassembly);
  }
}

export function registerWalkthrough(context: vscode.ExtensionContext): void {
  const noteBreakpoints = () => {
    if (vscode.debug.breakpoints.length > 0) setContext(CONTEXT.breakpoint);
  };
  noteBreakpoints();
  context.subscriptions.push(
    vscode.commands.registerCommand('vmscope.openHelloExample', () => openHelloExample(context)),
    vscode.commands.registerCommand('vmscope.openWalkthrough', () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false)),
    vscode.debug.onDidChangeBreakpoints(noteBreakpoints),
    vscode.debug.onDidStartDebugSession((s) => {
      if (s.type === 'vmscope') setContext(CONTEXT.started);
    }),
    vscode.debug.registerDebugAdapterTrackerFactory('vmscope', { createDebugAdapterTracker: () => new WalkthroughTracker() }),
  );
}
