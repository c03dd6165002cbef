/**
 * The machine: harts, bus, RAM and the QEMU `virt` devices, run deterministically.
 *
 * Scheduling: harts take turns of `config.quantum` retired instructions (round robin). Time is derived
 * from instructions: vclock = retired instructions of all harts + instruction-time skipped while every
 * hart waited in WFI; mtime = floor(vclock / insnsPerTick). A hart's slice also ends exactly when
 * vclock reaches the next device deadline (CLINT mtimecmp, UART timeout), so timer interrupts arrive
 * on the same instruction every run, and on a device write (the deadline may have moved).
 *
 * When every hart waits in WFI, the clock jumps to the next deadline. With no deadline at all nothing
 * can ever wake them (there is no host input yet): harts with any interrupt pending in mip (enabled or
 * not) then resume after their WFI (privileged spec 3.3.3 lets WFI complete for any reason; see
 * resumeStuckWfi), and when no hart has anything pending run() stops with
 * { kind: 'fault', message: 'all harts wait for an interrupt that can never come' } instead of spinning.
 */
import { CSRS } from './csr/defs';
import { CAUSE_INTEGRITY, Priv } from './csr/bits';
import { csrPeek, csrPoke } from './csr/access';
import { ConfigError, type MachineConfig } from './config';
import { Clint } from './devices/clint';
import type { Clock, Device, IrqSink, MachineControl, TimedDevice } from './devices/device';
import { Htif } from './devices/htif';
import { Plic } from './devices/plic';
import { TestFinisher } from './devices/test-finisher';
import { Uart16550 } from './devices/uart16550';
import { UART0_IRQ } from './devices/virt-map';
import { CodeCache } from './hart/codecache';
import { buildHandlerTable } from './hart/handlers';
import { Hart } from './hart/hart';
import { isaConfig, type IsaConfig } from './hart/isa';
import { Watchpoints, type Watchpoint } from './debug/watch';
import { runHart, runHartTraced, stepHart, type Tracer } from './hart/run';
import { restoreHart, saveHart, type HartState } from './hart/state';
import type { HartEnv, MemoryObserver, TrapFilter } from './hart/types';
import { checkLoadable, type ElfImage } from './loader/elf';
import { findHtifSymbols } from './loader/htif-symbols';
import { Bus, RAM_BASE } from './mem/bus';
import { Ram, type RamSnapshot } from './mem/ram';
import { resolveCacheConfig } from './cache/config';
import { CacheModel } from './cache/model';
import { FeatureRegistry } from './features/registry';
import type { Feature } from './features/types';
import type { CryptoProvider } from './cvm/crypto';
import { MemoryEncryption } from './cvm/mee';
import { SecureProcessor } from './cvm/sp';
import { RegisterProtection } from './cvm/es';
import { Integrity } from './cvm/rmp';

/**
 * Why run() or step() returned.
 * - breakpoint: hart `hart` is about to execute the instruction at `pc` (not executed yet; the next
 *   run() or step() executes it instead of stopping again).
 * - watchpoint: the instruction at `pc` on hart `hart` accessed watched physical address `addr`; it
 *   retired (the hart is at the next instruction).
 * - paused: requestPause() was called.
 * - trap: hart `hart` took a trap entry that the setTrapCatch filter accepted (cause as written to
 *   xcause without the interrupt bit); the hart is at the handler's first instruction, none of the
 *   handler executed (a breakpoint there does not stop the next run() again, as after a breakpoint).
 * - step: step() executed one instruction or took one trap entry (not a caught one: that is `trap`).
 * Every kind but exit and limit has a `message` for people (callers that only know exit/limit/fault
 * can print it).
 */
export type StopReason =
  | { kind: 'exit'; code: number }
  | { kind: 'limit' }
  | { kind: 'fault'; message: string }
  | { kind: 'breakpoint'; hart: number; pc: number; message: string }
  | { kind: 'watchpoint'; hart: number; pc: number; addr: number; access: 'read' | 'write'; message: string }
  | { kind: 'trap'; hart: number; cause: number; interrupt: boolean; message: string }
  | { kind: 'paused'; message: string }
  | { kind: 'step'; hart: number; message: string };

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
const PAUSED: StopReason = { kind: 'paused', message: 'paused' };
const NEVER_WAKES = 'all harts wait for an interrupt that can never come';

export interface MachineSnapshot {
  readonly harts: HartState[];
  readonly ram: RamSnapshot;
  readonly devices: Record<string, unknown>;
  readonly htif: { tohost: number; fromhost: number } | undefined;
  readonly retired: number;
  readonly idle: number;
  readonly current: number;
  readonly quantumLeft: number;
  readonly exitCode: number | undefined;
  /** Feature state by feature name (features with snapshot()); absent in older snapshots. */
  readonly features?: Record<string, unknown>;
}

const isTimed = (d: Device): d is Device & TimedDevice =>
  typeof (d as Partial<TimedDevice>).nextDeadline === 'function' && typeof (d as Partial<TimedDevice>).update === 'function';

/**
 * A hart that traps again and again without retiring an instruction cannot get out by itself (the
 * handler's fetch or first instruction faults each time): say where it is stuck and what to fix.
 */
function trapLoopMessage(h: Hart): string {
  const mode = h.priv === Priv.M ? 'm' : h.virt ? 'vs' : 's';
  // While V=1 the hart holds the VS CSRs in the S fields (hart.ts swaps them).
  const cause = h.priv === Priv.M ? h.mcause : h.scause;
  const tval = h.priv === Priv.M ? h.mtval : h.stval;
  return `hart ${h.id} is stuck in a trap loop: it keeps taking exception ${cause >>> 0} (tval ${hex(tval)}) at pc ${hex(h.pc)} ` +
    `without retiring an instruction; ${mode}tvec points where no instruction can run: set ${mode}tvec to a trap handler in RAM before the first trap`;
}

export class Machine {
  readonly config: MachineConfig;
  readonly isa: IsaConfig;
  readonly ram: Ram;
  readonly bus: Bus;
  readonly harts: Hart[];
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly finisher: TestFinisher;
  private htif: Htif | undefined;
  private readonly code: CodeCache;
  /** Hardware features (emulator/features) and the observer set with setObserver. */
  private readonly featureReg: FeatureRegistry;
  private extObserver: MemoryObserver | undefined;
  /** The cache model when config.caches enables it (also in `features`). */
  readonly cache: CacheModel | undefined;
  /** The memory encryption engine when config.features has it (cvm-model 3). */
  readonly mee: MemoryEncryption | undefined;
  /** The secure processor when config.features has it (cvm-model 5; MMIO at SP_BASE). */
  readonly sp: SecureProcessor | undefined;
  /** Register protection and integrity when config.features has them (cvm-model 6). */
  readonly es: RegisterProtection | undefined;
  readonly rmp: Integrity | undefined;
  /** The seed keys and tweaks derive from (config.seed, or the random one chosen); undefined without cvm features. */
  readonly seed: number | undefined;
  /** UART/HTIF output sink. */
  onOutput: (bytes: Uint8Array) => void = () => {};

  private tracer: Tracer | undefined;
  private pauseReq = false;
  private retiredTotal = 0;
  private idle = 0;
  private current = 0;
  private quantumLeft: number;
  private exitCode: number | undefined;
  /** Hart in its slice (exact mtime mid-slice) and its retired count at the slice start. */
  private running: Hart | null = null;
  private runningBase = 0;
  /** vclock at which timed devices next need update(); recomputed when dirty. */
  private deadline = Infinity;
  private deadlineDirty = true;
  private timed: (Device & TimedDevice)[] = [];

  /**
   * `opts.crypto` is needed for the built-in cvm features (config.features): emulator/ has no Node
   * built-ins, so the CLI and the adapter pass adapter/node-crypto.ts.
   */
  constructor(config: MachineConfig, opts: { crypto?: CryptoProvider } = {}) {
    if (!Number.isInteger(config.harts) || config.harts < 1 || config.harts > 8) throw new RangeError('harts must be 1..8');
    if (!(config.insnsPerTick >= 1) || !(config.quantum >= 1)) throw new RangeError('insnsPerTick and quantum must be >= 1');
    const caches = resolveCacheConfig(config.caches);
    this.config = { ...config };
    this.isa = isaConfig(config.isa);
    this.ram = new Ram(RAM_BASE, config.ramMiB * 1024 * 1024);
    this.bus = new Bus(this.ram);
    const table = buildHandlerTable(this.isa);
    this.code = new CodeCache(this.ram, table.makeInsn, table.flags);
    const env: HartEnv = {
      bus: this.bus,
      code: this.code,
      isa: this.isa,
      makeInsn: table.makeInsn,
      mtime: () => this.mtime(),
      observer: undefined,
      jit: true,
      breakpoints: null,
      watch: null,
      trapCatch: null,
      cvm: null,
      extraDeleg: 0,
    };
    this.harts = Array.from({ length: config.harts }, (_, i) => new Hart(i, env));
    this.quantumLeft = config.quantum;

    // Coherence hooks: page buffers replaced (allocation, copy-on-write), code pages born and dropped.
    this.ram.onReplace = (page) => { for (const h of this.harts) h.flushRamPage(page, true, true, false); };
    this.ram.onRekey = (page) => {
      for (const h of this.harts) h.flushRamPage(page, true, true, true);
      this.code.drop(page);
    };
    this.code.onCreate = (page) => { for (const h of this.harts) h.flushRamPage(page, false, true, false); };
    this.code.onDrop = (page) => { for (const h of this.harts) h.flushRamPage(page, false, false, true); };
    this.bus.onRamWrite = (off, size) => this.code.ramWritten(off, size);
    this.bus.onDeviceWrite = () => {
      this.deadlineDirty = true;
      this.running?.requestYield();
    };

    const clock: Clock = { mtime: () => this.mtime() };
    const irq: IrqSink = { setPending: (hart, bit, level) => this.harts[hart]?.setPending(bit, level) };
    const control: MachineControl = {
      exit: (code) => {
        if (this.exitCode === undefined) this.exitCode = code;
        this.running?.requestYield();
      },
      output: (bytes) => this.onOutput(bytes),
    };
    this.control = control;
    this.clint = new Clint(config.harts, clock, irq);
    this.plic = new Plic(config.harts, irq);
    this.uart = new Uart16550(control, (l) => this.plic.setSource(UART0_IRQ, l), clock);
    this.finisher = new TestFinisher(control);
    for (const d of [this.finisher, this.clint, this.plic, this.uart]) this.attach(d);
    for (const h of this.harts) h.reset(RAM_BASE);
    this.featureReg = new FeatureRegistry(this.harts, this.bus);
    if (caches.enabled) {
      this.cache = new CacheModel(caches, config.harts);
      this.addFeature(this.cache);
    }
    const features = config.features ?? [];
    if (features.length > 0) {
      const crypto = opts.crypto;
      if (crypto === undefined) throw new ConfigError(`features ${features.join(', ')} need a crypto provider: create the Machine with { crypto } (adapter/node-crypto.ts)`);
      const seed = config.seed ?? new DataView(crypto.randomBytes(4).buffer).getUint32(0);
      this.seed = seed;
      this.mee = new MemoryEncryption({ seed, crypto, hostKey: features.includes('host-key') });
      this.addFeature(this.mee);
      // Each level implies the ones below it (emulator/cvm/README.md).
      const rmp = features.includes('integrity');
      const es = rmp || features.includes('register-protection');
      if (es || features.includes('secure-processor')) {
        const sp = new SecureProcessor({ mee: this.mee, crypto, seed });
        this.sp = sp;
        this.attach(sp);
        this.addFeature(sp);
        if (es) this.addFeature(this.es = new RegisterProtection(sp));
        if (rmp) {
          this.addFeature(this.rmp = new Integrity(sp, this.ram));
          env.extraDeleg = 1 << CAUSE_INTEGRITY; // the hypervisor may take integrity faults in HS
        }
      }
    }
  }

  /** Attach a hardware feature (emulator/features/types.ts); names must be unique. */
  addFeature(f: Feature): void {
    this.featureReg.add(f);
    this.applyObserver();
  }

  /** The attached features, in the order added. */
  get features(): readonly Feature[] {
    return this.featureReg.features;
  }

  /**
   * Who hears memory accesses: nobody (fast paths), the cache model alone through the harts' cache fast
   * path (hart/cache-path.ts), or the slow-path observer (other observing features, setObserver). Code
   * compiled for one way is dropped when the way changes.
   */
  private applyObserver(): void {
    const reg = this.featureReg;
    reg.next = this.extObserver;
    const cache = this.cache;
    const fast = cache !== undefined && this.extObserver === undefined && reg.observesAlone(cache);
    (this.harts[0]!.env as { observer: MemoryObserver | undefined }).observer = fast ? undefined : reg.observing ? reg : this.extObserver;
    if (fast !== (this.harts[0]!.cache !== null)) this.code.clear();
    for (const h of this.harts) {
      h.cache = fast ? cache.fastPath(h.id, this.ram.base) : null;
      h.flushTlbs();
    }
  }

  private readonly control: MachineControl;

  private attach(d: Device): void {
    this.bus.attach(d);
    if (isTimed(d)) this.timed.push(d);
    this.deadlineDirty = true;
  }

  /** Instructions retired by all harts. */
  get instret(): number {
    return this.retiredTotal + (this.running !== null ? this.running.exactRetired() - this.runningBase : 0);
  }

  /** Instruction-time: retired instructions plus time skipped while all harts waited. */
  private vclock(): number {
    return this.instret + this.idle;
  }

  /** mtime = floor(vclock / insnsPerTick). */
  mtime(): bigint {
    return BigInt(Math.floor(this.vclock() / this.config.insnsPerTick));
  }

  /** Attach or remove the slow-path memory observer (disables the TLB fast paths while attached). */
  setObserver(obs: MemoryObserver | undefined): void {
    this.extObserver = obs; // called before the features' events when features observe too
    this.applyObserver();
  }

  /** Turn the block compiler on or off (off: pure interpreter; for tests and comparisons). */
  setJit(on: boolean): void {
    (this.harts[0]!.env as { jit: boolean }).jit = on;
  }

  /** Called after each retired instruction (slow path); undefined removes it (no overhead then). */
  setTracer(fn: Tracer | undefined): void {
    this.tracer = fn;
  }

  /** Load an ELF: segments into RAM, every hart to the entry with a0 = hartid, a1 = 0; HTIF if `tohost`. */
  load(image: ElfImage): void {
    checkLoadable(image, [{ base: RAM_BASE, size: this.ram.size, name: 'RAM' }]);
    const htifAt = findHtifSymbols(image);
    for (const seg of image.segments) {
      this.bus.writeRamBytes(seg.paddr, seg.data);
      if (seg.memsz > seg.data.length) this.bus.writeRamBytes(seg.paddr + seg.data.length, new Uint8Array(seg.memsz - seg.data.length));
    }
    this.setHtif(htifAt === undefined ? undefined : { tohost: htifAt.tohost, fromhost: htifAt.fromhost ?? htifAt.tohost + 8 });
    for (const h of this.harts) {
      h.reset(image.entry);
      h.x[10] = h.id;
      h.x[11] = 0;
    }
    this.exitCode = undefined;
  }

  private setHtif(at: { tohost: number; fromhost: number } | undefined): void {
    if (this.htif !== undefined) this.bus.detach(this.htif);
    this.htif = at === undefined ? undefined : new Htif(this.control, at.tohost, at.fromhost);
    if (this.htif !== undefined) this.attach(this.htif);
    for (const h of this.harts) h.flushTlbs();
  }

  private refreshDeadline(): void {
    let best: bigint | undefined;
    for (const d of this.timed) {
      const t = d.nextDeadline();
      if (t !== undefined && (best === undefined || t < best)) best = t;
    }
    const vc = best === undefined ? Infinity : Number(best) * this.config.insnsPerTick;
    // Beyond 2^53 instruction-times (years of guest time) a deadline is unreachable and imprecise.
    this.deadline = vc > Number.MAX_SAFE_INTEGER ? Infinity : vc;
    this.deadlineDirty = false;
  }

  private updateDevices(): void {
    for (const d of this.timed) d.update();
    this.deadlineDirty = true;
  }

  private nextHart(): void {
    this.current = (this.current + 1) % this.harts.length;
    this.quantumLeft = this.config.quantum;
  }

  /**
   * Every hart waits in WFI and no device deadline exists: nothing can ever wake them. Harts with any
   * interrupt pending in mip (enabled in mie or not) resume after their WFI as if it were a no-op, which
   * privileged spec 3.3.3 allows ("Implementations are permitted to resume execution for any reason";
   * Spike treats WFI as a NOP; the official rv32si-p-wfi test relies on it). QEMU 7.2 would hang here
   * instead; everywhere else WFI waits as in QEMU (exec-sys.ts). Returns whether some
   * hart resumed; false means no hart has anything pending at all (then run() reports the fault).
   */
  private resumeStuckWfi(): boolean {
    let any = false;
    for (const h of this.harts) {
      if (h.wfi && h.mip !== 0) {
        h.wfi = false;
        h.markIrq();
        any = true;
      }
    }
    return any;
  }

  private static waiting(h: Hart): boolean {
    return h.wfi && (h.mip & h.mie) === 0;
  }

  /** Run until the guest exits or `maxInsns` more instructions retire (summed over harts). */
  run(maxInsns: number): StopReason {
    try {
      return this.runLoop(maxInsns);
    } catch (e) {
      this.running = null;
      return { kind: 'fault', message: e instanceof Error ? e.message : String(e) };
    }
  }

  private runLoop(maxInsns: number): StopReason {
    let done = 0;
    const single = this.harts.length === 1;
    while (this.exitCode === undefined && done < maxInsns) {
      if (this.pauseReq) {
        this.pauseReq = false;
        return PAUSED;
      }
      if (this.deadlineDirty) this.refreshDeadline();
      if (this.vclock() >= this.deadline) {
        this.updateDevices();
        continue;
      }
      const h = this.harts[this.current]!;
      if (Machine.waiting(h)) {
        if (this.harts.every(Machine.waiting)) {
          if (this.deadline === Infinity) {
            if (this.resumeStuckWfi()) continue;
            return { kind: 'fault', message: NEVER_WAKES };
          }
          this.idle = this.deadline - this.retiredTotal; // jump the clock to the deadline
          this.updateDevices();
          continue;
        }
        this.nextHart();
        continue;
      }
      let budget = Math.min(maxInsns - done, Math.ceil(this.deadline - this.vclock()));
      if (!single) budget = Math.min(budget, this.quantumLeft);
      this.running = h;
      this.runningBase = h.retired;
      const n = this.tracer === undefined ? runHart(h, budget) : runHartTraced(h, budget, this.tracer);
      this.running = null;
      this.retiredTotal += n;
      done += n;
      this.quantumLeft -= n;
      if (h.trapLoop) {
        h.trapLoop = false;
        return { kind: 'fault', message: trapLoopMessage(h) };
      }
      const dbg = this.debugStop(h);
      if (!single && (this.quantumLeft <= 0 || h.wfi)) this.nextHart();
      if (dbg !== undefined && this.exitCode === undefined) return dbg;
    }
    if (this.exitCode !== undefined) return { kind: 'exit', code: this.exitCode };
    if (this.pauseReq) {
      this.pauseReq = false;
      return PAUSED;
    }
    return { kind: 'limit' };
  }

  /** A breakpoint or watchpoint stop hart `h` recorded in its last run (cleared here). */
  private debugStop(h: Hart): StopReason | undefined {
    const t = h.trapHit;
    if (t !== null) {
      h.trapHit = null;
      h.bpSkip = h.pc; // reported here already: a breakpoint on the handler's first instruction does not stop again
      const to = t.toPriv === Priv.M ? 'M' : t.toVirt ? (t.toPriv === Priv.S ? 'VS' : 'VU') : t.toPriv === Priv.S ? (h.hasH ? 'HS' : 'S') : 'U';
      return {
        kind: 'trap', hart: h.id, cause: t.cause, interrupt: t.interrupt,
        message: `${t.interrupt ? 'interrupt' : 'exception'} ${t.cause} taken to ${to}-mode on hart ${h.id} (handler at ${hex(h.pc)})`,
      };
    }
    if (h.bpHit) {
      h.bpHit = false;
      h.bpSkip = h.pc;
      return { kind: 'breakpoint', hart: h.id, pc: h.pc, message: `breakpoint at ${hex(h.pc)} on hart ${h.id}` };
    }
    const w = h.watchHit;
    if (w !== null) {
      h.watchHit = null;
      return {
        kind: 'watchpoint', hart: h.id, pc: w.pc, addr: w.addr, access: w.access,
        message: `watchpoint: ${w.access} of ${hex(w.addr)} by the instruction at ${hex(w.pc)} on hart ${h.id}`,
      };
    }
    return undefined;
  }

  // --- Debugging: breakpoints, watchpoints, single step, pause.

  /**
   * Instruction breakpoints at these virtual pcs (as each hart fetches them), on all harts; replaces
   * the previous set. Decoded blocks are dropped so that blocks end before breakpoints.
   */
  setBreakpoints(addrs: Iterable<number>): void {
    const set = new Set<number>();
    for (const a of addrs) set.add(a >>> 0);
    const env = this.harts[0]!.env as { breakpoints: ReadonlySet<number> | null };
    env.breakpoints = set.size === 0 ? null : set;
    this.code.setDebugOffsets(set.size === 0 ? null : new Set([...set].map((a) => a & 0xfff)));
  }

  /** Data watchpoints on physical addresses; replaces the previous ones ([] removes all). */
  setWatchpoints(ws: readonly Watchpoint[]): void {
    const w = new Watchpoints(ws, RAM_BASE);
    (this.harts[0]!.env as { watch: Watchpoints | null }).watch = w.empty ? null : w;
    for (const h of this.harts) h.flushTlbs();
  }

  /**
   * Stop run() and step() with { kind: 'trap' } right after a trap entry (exception or interrupt)
   * that `filter` accepts: the hart is then at the handler's first instruction. The filter runs
   * inside trap entry (read the hart's CSRs there if needed; do not run the machine). null removes it
   * (trap entry then costs one null test). Stopping and resuming changes nothing in the execution.
   */
  setTrapCatch(filter: TrapFilter | null): void {
    (this.harts[0]!.env as { trapCatch: TrapFilter | null }).trapCatch = filter;
  }

  /** Make run() return { kind: 'paused' } at the next instruction boundary (or at once if not running). */
  requestPause(): void {
    this.pauseReq = true;
    this.running?.requestYield();
  }

  /**
   * Execute exactly one instruction on hart `hart` (or take one trap entry), the others not running.
   * Breakpoints do not stop a step. Time advances by the instruction as in run(); when every hart
   * waits in WFI the clock first jumps to the next deadline (as in run()); a hart that still waits
   * then does nothing (the result is still { kind: 'step' }).
   */
  step(hart: number): StopReason {
    const h = this.harts[hart];
    if (h === undefined) throw new RangeError(`step: no hart ${hart}`);
    try {
      if (this.exitCode !== undefined) return { kind: 'exit', code: this.exitCode };
      if (this.deadlineDirty) this.refreshDeadline();
      if (this.vclock() >= this.deadline) this.updateDevices();
      if (this.harts.every(Machine.waiting)) {
        if (this.deadlineDirty) this.refreshDeadline();
        if (this.deadline === Infinity) {
          if (!this.resumeStuckWfi()) return { kind: 'fault', message: NEVER_WAKES };
        } else {
          this.idle = this.deadline - this.retiredTotal; // as run() does: jump the clock to the deadline
          this.updateDevices();
        }
      }
      this.running = h;
      this.runningBase = h.retired;
      const n = stepHart(h, this.tracer);
      this.running = null;
      this.retiredTotal += n;
      if (hart === this.current) {
        this.quantumLeft -= n;
        if (this.harts.length > 1 && (this.quantumLeft <= 0 || h.wfi)) this.nextHart();
      }
      h.bpHit = false;
      if (this.exitCode !== undefined) return { kind: 'exit', code: this.exitCode };
      return this.debugStop(h) ?? { kind: 'step', hart, message: `stepped hart ${hart}` };
    } catch (e) {
      this.running = null;
      return { kind: 'fault', message: e instanceof Error ? e.message : String(e) };
    }
  }

  // --- Snapshots.

  snapshot(): MachineSnapshot {
    const devices: Record<string, unknown> = {};
    for (const d of this.bus.deviceList()) devices[d.name] = d.save();
    for (const h of this.harts) h.flushTlbs(); // store entries must not outlive the sharing of pages
    return {
      harts: this.harts.map(saveHart),
      ram: this.ram.snapshot(),
      devices,
      htif: this.htif === undefined ? undefined : { tohost: this.htif.tohostAddr, fromhost: this.htif.fromhostAddr },
      retired: this.retiredTotal,
      idle: this.idle,
      current: this.current,
      quantumLeft: this.quantumLeft,
      exitCode: this.exitCode,
      features: this.featureReg.snapshot(),
    };
  }

  restore(s: MachineSnapshot): void {
    if (s.harts.length !== this.harts.length) throw new Error('snapshot is for a different number of harts');
    // Decoded code stays for pages whose buffer is the same object before and after: a buffer held by a
    // snapshot is never written again (copy-on-write, and snapshot() drops store-TLB entries), so the
    // same buffer means the same bytes, and a CodePage always matches its page's current bytes (writes
    // to decoded bytes drop it). Every other page's code goes.
    const before = new Map<number, DataView>();
    for (const p of this.code.codePages()) before.set(p, this.ram.currentView(p));
    this.ram.restore(s.ram);
    for (const [p, buf] of before) if (this.ram.currentView(p) !== buf) this.code.drop(p);
    // Time first, then harts, then devices: a device's restore re-drives its interrupt lines from the
    // (restored) clock into the (restored) harts, keeping its cached line levels consistent.
    this.retiredTotal = s.retired;
    this.idle = s.idle;
    this.current = s.current;
    this.quantumLeft = s.quantumLeft;
    this.exitCode = s.exitCode;
    this.harts.forEach((h, i) => restoreHart(h, s.harts[i]!));
    this.setHtif(s.htif);
    for (const d of this.bus.deviceList()) {
      if (d.name in s.devices) d.restore(s.devices[d.name]);
    }
    this.featureReg.restore(s.features);
    this.deadlineDirty = true;
  }

  // --- Debugger access.

  /**
   * Read `len` bytes of RAM at physical address `pa` (no device side effects, nothing the machine does
   * next changes): as DRAM holds them, or decrypted with the key bound to ASID `asid` (cvm-model 3;
   * an ASID with no key reads DRAM as it is).
   */
  readPhys(pa: number, len: number, asid = 0): Uint8Array {
    if (pa < RAM_BASE || pa + len > RAM_BASE + this.ram.size) throw new RangeError(`readPhys: 0x${pa.toString(16)} is not in RAM`);
    return this.ram.readBytes(pa - RAM_BASE, len, this.keyOf(asid));
  }

  /** Write bytes into RAM at `pa` (decoded code there is invalidated); through ASID `asid`'s key: encrypted as the hardware would. */
  writePhys(pa: number, bytes: Uint8Array, asid = 0): void {
    if (pa < RAM_BASE || pa + bytes.length > RAM_BASE + this.ram.size) throw new RangeError(`writePhys: 0x${pa.toString(16)} is not in RAM`);
    this.bus.writeRamBytes(pa, bytes, this.keyOf(asid));
  }

  /** Memory key id for private accesses of ASID `asid` (0 = DRAM as it is). */
  private keyOf(asid: number): number {
    return asid === 0 || this.ram.cipher === undefined ? 0 : this.ram.cipher.keyFor(asid, 1);
  }

  /** Read a CSR of hart `hart` by number, ignoring privilege; undefined when no such CSR. */
  readCsr(hart: number, num: number): number | undefined {
    return csrPeek(this.harts[hart]!, num);
  }

  /** Write a CSR through its WARL rules, ignoring privilege; false when no such CSR. */
  writeCsr(hart: number, num: number, value: number): boolean {
    return csrPoke(this.harts[hart]!, num, value);
  }

  /** Set register x`i` (x0 stays 0). */
  setReg(hart: number, i: number, value: number): void {
    if (i > 0 && i < 32) this.harts[hart]!.x[i] = value | 0;
  }

  /** Names of the implemented CSRs by number (for register views). */
  static csrNames(): Map<number, string> {
    const m = new Map<number, string>();
    CSRS.forEach((d, n) => { if (d !== undefined) m.set(n, d.name); });
    return m;
  }
}
