/**
 * Run a guest ELF on QEMU (the reference for the differential tests).
 *
 * The command below is the one every NAME.expected file in test/programs was captured with; change
 * it only together with the expected files (`make -C test/programs expected`).
 *  - `-cpu rv32,...`: switch off what vmscope doesn't have (H, F/D, Zb*, Sstc); h=false matters: with
 *    H, misa has bit 7 and mstatush/mie/mideleg grow more bits. The Sdtrig triggers (debug=true, the
 *    default) stay on: vmscope implements them as QEMU 7.2 does (emulator/hart/triggers.ts).
 *  - `-icount shift=0,sleep=off`: one instruction = 1 ns, so mtime (10 MHz) = instructions / 100, and
 *    when every hart sleeps in wfi virtual time jumps to the next timer deadline instead of following
 *    the host clock (plain `shift=0` makes wfi waits take real time).
 *  - `-bios none -kernel X.elf`: the ELF is loaded as is; all harts start at its entry (through
 *    QEMU's 6-instruction reset ROM at 0x1000, which is why minstret is never 0 at the entry).
 *  - `-nographic -monitor none -serial stdio`: UART0 is the only thing on stdout; no terminal
 *    control sequences are written (stdin is /dev/null).
 */
import { HAS_QEMU } from '../oracles';
import { spawn } from 'node:child_process';

export const QEMU_BIN = process.env.QEMU_RISCV32 ?? 'qemu-system-riscv32';

export const QEMU_CPU =
  'rv32,h=false,f=false,d=false,zba=false,zbb=false,zbc=false,zbs=false,sstc=false';

/**
 * Programs marked "h": true in programs.json (hypervisor extension) run with h=true, everything else
 * as QEMU_CPU; vmscope runs those with VMSCOPE_ISA_H.
 */
export const QEMU_CPU_H = QEMU_CPU.replace('h=false', 'h=true');
export const VMSCOPE_ISA_H = 'rv32imach_zicsr_zifencei_zicntr_zicbom';
/** What QEMU_CPU has, for vmscope (given explicitly: the machine's default includes H). */
export const VMSCOPE_ISA = 'rv32imac_zicsr_zifencei_zicntr_zicbom';

export function qemuArgs(elf: string, harts = 1, h = false): string[] {
  return [
    '-M', 'virt',
    '-bios', 'none',
    '-nographic',
    '-kernel', elf,
    '-cpu', h ? QEMU_CPU_H : QEMU_CPU,
    '-smp', String(harts),
    '-icount', 'shift=0,sleep=off',
    '-monitor', 'none',
    '-serial', 'stdio',
  ];
}

/** The verified command line as one string, for messages and docs. */
export function qemuCommandLine(elf: string, harts = 1, h = false): string {
  return [QEMU_BIN, ...qemuArgs(elf, harts, h)].join(' ');
}

export function hasQemu(): boolean {
  return HAS_QEMU;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  /** The process's exit code (the guest's code for QEMU's test finisher), null if killed. */
  exitCode: number | null;
  timedOut: boolean;
  wallMs: number;
}

export interface RunOptions {
  harts?: number;
  /** The hypervisor extension on (QEMU h=true, vmscope --isa VMSCOPE_ISA_H). */
  h?: boolean;
  /** Kill after this many milliseconds (default 30 s). */
  timeoutMs?: number;
}

/** Spawn a command, collect stdout bytes, kill it after the timeout. */
export function runProcess(cmd: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out),
        stderr: err,
        exitCode: code,
        timedOut,
        wallMs: Number(process.hrtime.bigint() - start) / 1e6,
      });
    });
  });
}

export function runQemu(elf: string, opts: RunOptions = {}): Promise<RunResult> {
  return runProcess(QEMU_BIN, qemuArgs(elf, opts.harts ?? 1, opts.h ?? false), opts.timeoutMs ?? 30_000);
}
