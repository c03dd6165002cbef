/**
 * The "VMs" view of the Run and Debug side bar: the harts (mode, V, VMID, pc and symbol) and the VMs
 * seen (VMID, guest name, hgatp), from vmscope/machineState at every stop; empty without a vmscope
 * session, and hidden while the session has no VMs (no guest symbols and no hgatp seen yet).
 */
import * as vscode from 'vscode';
import { MACHINE_STATE, type HartState, type MachineStateResponse, type VmState } from '../../adapter/protocol';
import type { SessionState } from './session-state';

type Node = { kind: 'group'; label: 'Harts' | 'VMs' } | { kind: 'hart'; hart: HartState } | { kind: 'vm'; vm: VmState };

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

export class VmsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private state: MachineStateResponse | undefined;
  private readonly sub: vscode.Disposable;

  constructor(private readonly sessions: SessionState) {
    this.sub = sessions.onDidChange((c) => void this.update(c.kind === 'ended' ? undefined : c.session));
  }

  private async update(session: vscode.DebugSession | undefined): Promise<void> {
    const s = session?.type === 'vmscope' && session === this.sessions.active ? session : this.sessions.active;
    try {
      this.state = s ? await this.sessions.request(s, MACHINE_STATE) : undefined;
    } catch {
      this.state = undefined; // not launched yet, or ended while asking
    }
    // The view shows only while there are VMs to list (package.json `when`): a program without
    // guests keeps the Run and Debug side bar as it was.
    void vscode.commands.executeCommand('setContext', 'vmscope.hasVms', (this.state?.vms.length ?? 0) > 0);
    this.changed.fire();
  }

  getChildren(n?: Node): Node[] {
    const st = this.state;
    if (!st) return [];
    if (!n) return [{ kind: 'group', label: 'Harts' }, { kind: 'group', label: 'VMs' }];
    if (n.kind !== 'group') return [];
    return n.label === 'Harts' ? st.harts.map((hart) => ({ kind: 'hart', hart })) : st.vms.map((vm) => ({ kind: 'vm', vm }));
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.kind === 'group') {
      const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = n.label;
      return item;
    }
    if (n.kind === 'hart') {
      const h = n.hart;
      const vm = h.vmid !== undefined ? this.state?.vms.find((v) => v.vmid === h.vmid) : undefined;
      const item = new vscode.TreeItem(`hart ${h.id}: ${h.mode}-mode`);
      item.id = `hart${h.id}`;
      item.description = `V=${h.virt ? 1 : 0}${h.vmid !== undefined ? ` VMID ${h.vmid}${vm?.name ? ` (${vm.name})` : ''}` : ''}  ${hex(h.pc)}${h.symbol ? ` ${h.symbol}` : ''}`;
      item.tooltip = `hart ${h.id}\nmode ${h.mode} (priv ${h.priv}, V=${h.virt ? 1 : 0})${h.vmid !== undefined ? `\nVMID ${h.vmid}` : ''}\npc ${hex(h.pc)}${h.symbol ? ` <${h.symbol}>` : ''}`;
      item.iconPath = new vscode.ThemeIcon(h.virt ? 'vm' : 'chip');
      return item;
    }
    const v = n.vm;
    const item = new vscode.TreeItem(`VMID ${v.vmid}${v.name ? `: ${v.name}` : ''}`);
    item.id = `vm${v.vmid}`;
    const launch = v.launch ? `${v.launch.state}, policy ${v.launch.policyFlags.length ? v.launch.policyFlags.join('+') : 'encryption only'}  ` : '';
    item.description = `${launch}${v.hgatp !== undefined ? `hgatp ${hex(v.hgatp)}` : v.ran ? 'has run (hgatp not seen at a stop)' : 'not seen running yet'}${v.harts.length ? `  running on hart ${v.harts.join(', ')}` : ''}`;
    if (v.launch) item.tooltip = `VMID ${v.vmid}: secure-processor guest ${v.launch.handle}, ${v.launch.state}, policy ${v.launch.policyFlags.join(', ') || 'none (encryption only)'}`;
    item.iconPath = new vscode.ThemeIcon(v.harts.length ? 'vm-running' : 'vm');
    return item;
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
