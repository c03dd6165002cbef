/**
 * Debug configurations for F5 without a launch.json (or with one that names no program): debug the
 * ELF in the active editor tab, the ELF next to the active C / assembly file (hello.c -> hello.elf),
 * or the one ELF of the workspace (a pick list when there are several; an open dialog when none).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';

const SOURCE_EXTENSIONS = new Set(['.c', '.h', '.s', '.S']);
const ELF_GLOB = '**/*.elf';
const EXCLUDE_GLOB = '**/{node_modules,.git}/**';

/** The file shown in the active tab: text editors, and binary files (an .elf opens in no text editor). */
function activeFile(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  return vscode.window.activeTextEditor?.document.uri;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The ELF the active tab is about: the ELF itself, the sibling ELF of a source file, or a lone .S/.s file. */
export async function elfOfActiveFile(): Promise<vscode.Uri | undefined> {
  const file = activeFile();
  if (!file || file.scheme !== 'file') return undefined;
  const ext = path.extname(file.fsPath);
  if (ext === '.elf') return file;
  if (!SOURCE_EXTENSIONS.has(ext)) return undefined;
  const sibling = vscode.Uri.file(file.fsPath.slice(0, -ext.length) + '.elf');
  if (await exists(sibling)) return sibling;
  // One ELF in the source's folder (e.g. main.c + crt0.S -> hello.elf).
  const dir = vscode.Uri.file(path.dirname(file.fsPath));
  const elves = (await vscode.workspace.fs.readDirectory(dir)).filter(([n, t]) => t === vscode.FileType.File && n.endsWith('.elf'));
  if (elves.length === 1) return vscode.Uri.joinPath(dir, elves[0]![0]);
  // An assembly file with no ELF beside it: the adapter assembles and links it itself.
  return ext === '.S' || ext === '.s' ? file : undefined;
}

export async function workspaceElves(folder?: vscode.WorkspaceFolder): Promise<vscode.Uri[]> {
  const include = folder ? new vscode.RelativePattern(folder, ELF_GLOB) : ELF_GLOB;
  const found = await vscode.workspace.findFiles(include, EXCLUDE_GLOB, 50);
  return found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

export function configFor(program: vscode.Uri, folder?: vscode.WorkspaceFolder): vscode.DebugConfiguration {
  const rel = folder ? path.relative(folder.uri.fsPath, program.fsPath) : '';
  const inFolder = folder !== undefined && rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  return {
    type: 'vmscope',
    request: 'launch',
    name: `vmscope: ${path.basename(program.fsPath, '.elf')}`,
    program: inFolder ? `\${workspaceFolder}/${rel.split(path.sep).join('/')}` : program.fsPath,
  };
}

/** The program to debug when the configuration names none, or undefined when the user cancels. */
async function chooseProgram(folder?: vscode.WorkspaceFolder): Promise<vscode.Uri | undefined> {
  const active = await elfOfActiveFile();
  if (active) return active;
  const elves = await workspaceElves(folder);
  if (elves.length === 1) return elves[0];
  if (elves.length > 1) {
    const pick = await vscode.window.showQuickPick(
      elves.map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), uri })),
      { title: 'vmscope: which RISC-V program?', placeHolder: 'RV32 ELF files in the workspace' },
    );
    return pick?.uri;
  }
  const picked = await vscode.window.showOpenDialog({ filters: { 'RISC-V ELF': ['elf'] }, canSelectMany: false, openLabel: 'Debug', title: 'vmscope: open an RV32 ELF program' });
  return picked?.[0];
}

export class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  /** "Add Configuration..." / a new launch.json: one configuration per ELF of the folder. */
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    const elves = await workspaceElves(folder);
    if (elves.length === 0) return [{ type: 'vmscope', request: 'launch', name: 'vmscope: run program', program: '${workspaceFolder}/hello.elf' }];
    return elves.slice(0, 10).map((uri) => configFor(uri, folder));
  }

  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    // F5 with no launch.json arrives as an empty configuration.
    if (!config.type && !config.request && !config.name) {
      const program = await chooseProgram(folder);
      return program ? configFor(program, folder) : undefined;
    }
    if (config.type === 'vmscope' && !config.program) {
      const program = await chooseProgram(folder);
      if (!program) return undefined;
      return { ...config, program: program.fsPath };
    }
    return config;
  }

  /** After ${...} substitution: a missing program is reported here, with a way to fix it. */
  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | null | undefined> {
    if (typeof config.program !== 'string') return config;
    const base = typeof config.cwd === 'string' ? config.cwd : folder?.uri.fsPath;
    const file = path.isAbsolute(config.program) || !base ? config.program : path.join(base, config.program);
    if (await exists(vscode.Uri.file(file))) return config;
    const open = 'Open launch.json';
    const answer = await vscode.window.showErrorMessage(
      `vmscope: the program '${file}' does not exist. Build it (e.g. 'make'), or set "program" in the launch configuration to an RV32 ELF file.`,
      open,
    );
    if (answer === open) await vscode.commands.executeCommand('workbench.action.debug.configure');
    // null: abort without opening launch.json a second time.
    return null;
  }
}

/** The Run view's "vmscope" entry in the debug picker: every ELF of the workspace. */
export class DynamicConfigurationProvider implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    return (await workspaceElves(folder)).slice(0, 20).map((uri) => configFor(uri, folder));
  }
}
