/**
 * The walkthrough "Debug your first confidential VM" (package.json contributes.walkthroughs, texts in
 * media/walkthrough/). Steps complete on context keys set here from what the user really did: a
 * breakpoint exists, a vmscope session started, a step request, a disassemble request, a stop in a
 * guest (V=1), a step that left a guest for the hypervisor (a VM exit), a report verified as valid
 * (keys-view.ts sets that one), an attack's result line saying a protection STOPPED it; the others
 * complete on their commands (package.json onCommand). It also opens the examples the steps use:
 * hello, cvm (its guest.c) and attacks (one of its launch configurations, started).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MACHINE_STATE, hartOfThread, type MachineStateResponse } from '../adapter/protocol';

export const WALKTHROUGH_ID = 'vmscope.vmscope#vmscope.firstVm';

const CONTEXT = {
  breakpoint: 'vmscope.walkthrough.breakpointSet',
  started: 'vmscope.walkthrough.debugStarted',
  stepped: 'vmscope.walkthrough.stepped',
  disassembly: 'vmscope.walkthrough.disassemblyShown',
  guestStopped: 'vmscope.walkthrough.guestStopped',
  vmExit: 'vmscope.walkthrough.vmExitStepped',
  attackStopped: 'vmscope.walkthrough.attackStopped',
} as const;

const EXCLUDE = '**/node_modules/**';
/** The line of examples/cvm/guest/guest.c the walkthrough has the user break on. */
const CVM_BREAK_LINE = 'secret_page[i] = SECRET[i]';
/** The attack run first: register protection (SEV-ES-like) stops it at levels es and snp. */
const FIRST_ATTACK = 'register-tampering';

function setContext(key: string): void {
  void vscode.commands.executeCommand('setContext', key, true);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens examples/hello/hello.c: from the workspace when it has the example, otherwise from a copy
 * of the one inside the extension (in global storage), opened as the workspace folder.
 */
async function openHelloExample(context: vscode.ExtensionContext): Promise<void> {
  // The example's hello.c: the one with hello.elf next to it (the workspace may be examples/ or hello/).
  for (const c of await vscode.workspace.findFiles('**/hello.c', EXCLUDE, 20)) {
    if (!(await exists(vscode.Uri.joinPath(c, '..', 'hello.elf')))) continue;
    await vscode.window.showTextDocument(c, { preview: false });
    return;
  }
  const source = vscode.Uri.joinPath(context.extensionUri, 'examples', 'hello');
  const copy = vscode.Uri.joinPath(context.globalStorageUri, 'hello');
  await vscode.workspace.fs.copy(source, copy, { overwrite: true });
  // The window reloads with the folder; clicking the step again then opens hello.c.
  await vscode.commands.executeCommand('vscode.openFolder', copy, { forceNewWindow: false });
}

/**
 * Folders named `name` that hold `marker`: in the workspace, beside a workspace folder (the
 * repository's examples/ when examples/cvm is open), and inside the extension (a development install).
 */
async function exampleFolders(name: string, marker: string, context: vscode.ExtensionContext): Promise<vscode.Uri[]> {
  const found: vscode.Uri[] = [];
  for (const f of await vscode.workspace.findFiles(`**/${name}/${marker}`, EXCLUDE, 10)) found.push(vscode.Uri.joinPath(f, ...marker.split('/').map(() => '..')));
  for (const w of vscode.workspace.workspaceFolders ?? []) {
    if (path.basename(w.uri.fsPath) === name) found.push(w.uri);
    found.push(vscode.Uri.joinPath(w.uri, '..', name));
  }
  found.push(vscode.Uri.joinPath(context.extensionUri, 'examples', name));
  const out: vscode.Uri[] = [];
  for (const u of found) {
    if (out.some((o) => o.fsPath === u.fsPath)) continue;
    if (await exists(vscode.Uri.joinPath(u, marker))) out.push(u);
  }
  return out;
}

/** Opens examples/cvm/guest/guest.c at the line the walkthrough breaks on. */
async function openCvmExample(context: vscode.ExtensionContext): Promise<void> {
  const [cvm] = await exampleFolders('cvm', 'cvm-guest.elf', context);
  if (!cvm) {
    void vscode.window.showInformationMessage('vmscope: the cvm example is not in this workspace. Open the folder examples/cvm of the vmscope repository (File > Open Folder) and run this step again.');
    return;
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(cvm, 'guest', 'guest.c'));
  const line = Math.max(0, doc.getText().split('\n').findIndex((l) => l.includes(CVM_BREAK_LINE)));
  const at = new vscode.Position(line, 0);
  await vscode.window.showTextDocument(doc, { preview: false, selection: new vscode.Range(at, at) });
}

/** The configurations of examples/attacks/.vscode/launch.json (JSON with // comments). */
async function attackConfigs(folder: vscode.Uri): Promise<vscode.DebugConfiguration[]> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, '.vscode', 'launch.json')));
  const json = JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as { configurations?: vscode.DebugConfiguration[] };
  return (json.configurations ?? []).filter((c) => c.type === 'vmscope');
}

/** Picks an attack of examples/attacks and debugs it; its result lines go to the Debug Console. */
async function runAttack(context: vscode.ExtensionContext): Promise<void> {
  const [attacks] = await exampleFolders('attacks', '.vscode/launch.json', context);
  if (!attacks) {
    void vscode.window.showInformationMessage('vmscope: the attacks examples are not in this workspace. Open the folder examples of the vmscope repository (File > Open Folder) and run this step again.');
    return;
  }
  const configs = await attackConfigs(attacks);
  const name = (c: vscode.DebugConfiguration): string => String(c.name).replace(/^vmscope: attack /, '');
  configs.sort((a, b) => Number(name(b) === FIRST_ATTACK) - Number(name(a) === FIRST_ATTACK));
  const pick = await vscode.window.showQuickPick(configs.map((c) => ({ label: name(c), description: String(c.name), config: c })), {
    title: 'vmscope: Run an Attack',
    placeHolder: 'The hypervisor attacks its guest at four protection levels; the Debug Console prints what each level did',
    // Opened from the walkthrough, whose page takes the focus back when it re-renders.
    ignoreFocusOut: true,
  });
  if (!pick) return;
  const folder = vscode.workspace.workspaceFolders?.find((w) => w.uri.fsPath === attacks.fsPath);
  if (folder) {
    await vscode.debug.startDebugging(folder, pick.config.name);
    return;
  }
  // Not a workspace folder: its configuration with ${workspaceFolder} spelled out.
  const resolved = JSON.parse(JSON.stringify(pick.config).replaceAll('${workspaceFolder}', attacks.fsPath.replaceAll('\\', '/'))) as vscode.DebugConfiguration;
  await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], { ...resolved, cwd: attacks.fsPath });
}

/** An attack's result line whose protection stopped it (examples/attacks/README.md). */
const STOPPED_LINE = /^\[attack\] [\w-]+ level=\w+: STOPPED\b/m;

/** Sees the messages between VS Code and the adapter; only for the walkthrough's completion events. */
class WalkthroughTracker implements vscode.DebugAdapterTracker {
  /** The last request that resumed the machine was a step. */
  private stepping = false;
  /** Per hart: it was in a guest (V=1) at the previous stop. */
  private readonly wasInGuest = new Map<number, boolean>();
  /** Console output not yet ended by a newline. */
  private partial = '';

  constructor(private readonly session: vscode.DebugSession) {}

  onWillReceiveMessage(message: { type?: string; command?: string }): void {
    if (message.type !== 'request') return;
    const step = message.command === 'next' || message.command === 'stepIn' || message.command === 'stepOut';
    if (step) setContext(CONTEXT.stepped);
    if (step || message.command === 'continue' || message.command === 'reverseContinue' || message.command === 'stepBack') this.stepping = step;
    if (message.command === 'disassemble') setContext(CONTEXT.disassembly);
  }

  onDidSendMessage(m: { type?: string; event?: string; body?: { threadId?: number; output?: string } }): void {
    if (m.type !== 'event') return;
    if (m.event === 'stopped') void this.stopped(m.body?.threadId);
    if (m.event === 'output' && typeof m.body?.output === 'string') {
      const text = this.partial + m.body.output;
      const end = text.lastIndexOf('\n');
      this.partial = text.slice(end + 1).slice(-500);
      if (STOPPED_LINE.test(text.slice(0, end + 1))) setContext(CONTEXT.attackStopped);
    }
  }

  private async stopped(threadId: number | undefined): Promise<void> {
    const stepped = this.stepping;
    let st: MachineStateResponse;
    try {
      st = (await this.session.customRequest(MACHINE_STATE)) as MachineStateResponse;
    } catch {
      return; // ended meanwhile
    }
    if (st.harts.some((h) => h.virt)) setContext(CONTEXT.guestStopped);
    const hart = threadId === undefined ? undefined : st.harts.find((h) => h.id === hartOfThread(threadId));
    // A step that began in a guest and stopped in the hypervisor (HS): it went through a VM exit.
    if (hart && stepped && this.wasInGuest.get(hart.id) === true && !hart.virt && hart.mode === 'HS') setContext(CONTEXT.vmExit);
    for (const h of st.harts) this.wasInGuest.set(h.id, h.virt);
  }
}

export function registerWalkthrough(context: vscode.ExtensionContext): void {
  const noteBreakpoints = () => {
    if (vscode.debug.breakpoints.length > 0) setContext(CONTEXT.breakpoint);
  };
  noteBreakpoints();
  context.subscriptions.push(
    vscode.commands.registerCommand('vmscope.openHelloExample', () => openHelloExample(context)),
    vscode.commands.registerCommand('vmscope.openCvmExample', () => openCvmExample(context)),
    vscode.commands.registerCommand('vmscope.runAttack', () => runAttack(context)),
    vscode.commands.registerCommand('vmscope.openWalkthrough', () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false)),
    vscode.debug.onDidChangeBreakpoints(noteBreakpoints),
    vscode.debug.onDidStartDebugSession((s) => {
      if (s.type === 'vmscope') setContext(CONTEXT.started);
    }),
    vscode.debug.registerDebugAdapterTrackerFactory('vmscope', { createDebugAdapterTracker: (session) => new WalkthroughTracker(session) }),
  );
}
