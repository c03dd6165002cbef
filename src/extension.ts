/**
 * The vmscope extension host: the only code that imports 'vscode'. It hands debug sessions of type
 * `vmscope` to the adapter, inline by default, or to an adapter server on VMSCOPE_ADAPTER_PORT when
 * working on the adapter itself (.vscode/launch.json, "Extension + Adapter server").
 */
import * as vscode from 'vscode';
import { VmscopeSession } from '../adapter/session';

class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const port = Number(process.env.VMSCOPE_ADAPTER_PORT);
    if (Number.isInteger(port) && port > 0) return new vscode.DebugAdapterServer(port, '127.0.0.1');
    return new vscode.DebugAdapterInlineImplementation(new VmscopeSession() as unknown as vscode.DebugAdapter);
  }
}

/** F5 with no launch.json: debug the ELF in the active editor's folder, or ask for one. */
class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  async resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (config.type && config.request && config.program) return config;
    const picked = await vscode.window.showOpenDialog({ filters: { 'RISC-V ELF': ['elf'] }, canSelectMany: false, openLabel: 'Debug' });
    if (!picked || picked.length === 0) return undefined;
    return { type: 'vmscope', request: 'launch', name: 'vmscope: run ELF', program: picked[0].fsPath };
  }
}

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory('vmscope', new AdapterFactory()),
    vscode.debug.registerDebugConfigurationProvider('vmscope', new ConfigurationProvider()),
  );
}

export function deactivate(): void {}
