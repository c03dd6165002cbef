/**
 * The vmscope extension host: the only code that imports 'vscode'. It hands debug sessions of type
 * `vmscope` to the adapter, inline by default, or to an adapter server on VMSCOPE_ADAPTER_PORT when
 * working on the adapter itself (.vscode/launch.json, "Extension + Adapter server"); it finds the
 * program for F5 (configurations.ts) and drives the walkthrough (walkthrough.ts).
 */
import * as vscode from 'vscode';
import { VmscopeSession } from '../adapter/session';
import { startLanguageClient } from './lsp-client';
import { ConfigurationProvider, DynamicConfigurationProvider } from './configurations';
import { registerWalkthrough } from './walkthrough';
import { CacheView } from './views/cache-view';
import { KeysView } from './views/keys-view';
import { MemoryView } from './views/memory-view';
import { SessionState } from './views/session-state';
import { VmsTree } from './views/vms-tree';

class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const port = Number(process.env.VMSCOPE_ADAPTER_PORT);
    if (Number.isInteger(port) && port > 0) return new vscode.DebugAdapterServer(port, '127.0.0.1');
    return new vscode.DebugAdapterInlineImplementation(new VmscopeSession() as unknown as vscode.DebugAdapter);
  }
}

export function activate(context: vscode.ExtensionContext): void {
  startLanguageClient(context);
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory('vmscope', new AdapterFactory()),
    vscode.debug.registerDebugConfigurationProvider('vmscope', new ConfigurationProvider()),
    vscode.debug.registerDebugConfigurationProvider('vmscope', new DynamicConfigurationProvider(), vscode.DebugConfigurationProviderTriggerKind.Dynamic),
  );
  registerWalkthrough(context);
  const sessions = new SessionState();
  const vms = new VmsTree(sessions);
  context.subscriptions.push(sessions, vms, vscode.window.registerTreeDataProvider('vmscope.vms', vms), new CacheView(context, sessions),
    new KeysView(context, sessions), new MemoryView(context, sessions));
}

export function deactivate(): void {}
