import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, vmscope } from './cli';

const HELLO = 'test/programs/hello.elf';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-cli-'));

describe('vmscope run: usage errors exit 64 with one line that says what to do', () => {
  it.each([
    [['run'], /no program given/],
    [['run', HELLO, '--harts', '9'], /--harts wants a whole number from 1 to 8/],
    [['run', HELLO, '--isa', 'rv64gc'], /RV32 only/],
    [['run', HELLO, '--frobnicate'], /unknown option --frobnicate/],
    [['launch', HELLO], /unknown command 'launch'/],
    [['run', HELLO, '--features', 'sev'], /--features\[0\]: must be one of memory-encryption, secure-processor, register-protection, integrity, host-key, got "sev"/],
    [['run', HELLO, '--seed', '-1'], /--seed wants a whole number/],
    [['run', HELLO, '--reports', 'x'], /--reports needs the secure processor: add --features secure-processor/],
  ])('%j', (args, message) => {
    const r = vmscope(args);
    expect(r.code).toBe(64);
    expect(r.stderr.split('\n')[0]).toMatch(message);
    expect(r.stdout.length).toBe(0);
  });
});

describe('vmscope run: files that cannot be run', () => {
  it('exits 66 for a file that does not exist', () => {
    const r = vmscope(['run', 'no/such/file.elf']);
    expect(r.code).toBe(66);
    expect(r.stderr).toMatch(/cannot read no\/such\/file\.elf: ENOENT/);
  });

  it('exits 65 for a file that is not an ELF', () => {
    const r = vmscope(['run', 'README.md']);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/README\.md: .*not an ELF/);
  });

  it('exits 65 for a 64-bit ELF and says how to build for RV32', () => {
    const bytes = fs.readFileSync(path.join(ROOT, HELLO));
    bytes[4] = 2; // EI_CLASS = ELFCLASS64
    const file = path.join(tmp, 'class64.elf');
    fs.writeFileSync(file, bytes);
    const r = vmscope(['run', file]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/64-bit/);
    expect(r.stderr).toMatch(/rv32/i);
  });

  it('exits 65 for a truncated ELF and names the offset', () => {
    const bytes = fs.readFileSync(path.join(ROOT, HELLO)).subarray(0, 200);
    const file = path.join(tmp, 'truncated.elf');
    fs.writeFileSync(file, bytes);
    const r = vmscope(['run', file]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/truncat|past the end|beyond/i);
  });

  it('exits 73 when the trace file cannot be created', () => {
    const r = vmscope(['run', HELLO, '--trace', path.join(tmp, 'no-such-dir', 't.txt')]);
    expect(r.code).toBe(73);
    expect(r.stderr).toMatch(/cannot write trace file .*ENOENT/);
  });
});

describe('vmscope run: the guest', () => {
  it('prints the guest UART output on stdout and exits with the code the guest wrote', () => {
    const r = vmscope(['run', HELLO]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(fs.readFileSync(path.join(ROOT, 'test/programs/hello.expected'), 'latin1'));
  });

  it('stops a runaway guest at --max-insns with exit code 124 and a message', () => {
    const r = vmscope(['run', HELLO, '--max-insns', '1000']);
    expect(r.code).toBe(124);
    expect(r.stderr).toMatch(/stopped after 1000 instructions \(--max-insns\)/);
  });

  it('--stats prints one JSON object with instructions, seconds and MIPS on stderr', () => {
    const r = vmscope(['run', HELLO, '--stats']);
    expect(r.code).toBe(0);
    const stats = JSON.parse(r.stderr.trim());
    expect(stats.instructions).toBeGreaterThan(1000);
    expect(stats.seconds).toBeGreaterThan(0);
    expect(stats.mips).toBeCloseTo(stats.instructions / stats.seconds / 1e6, 3);
  });

  it('--trace writes one line per instruction: hart, privilege, pc, bits, disassembly, register written', () => {
    const file = path.join(tmp, 'trace.txt');
    const plain = vmscope(['run', HELLO, '--stats']);
    const r = vmscope(['run', HELLO, '--trace', file, '--stats']);
    expect(r.code).toBe(0);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const count = JSON.parse(r.stderr.trim()).instructions;
    expect(lines.length).toBe(count);
    expect(count).toBe(JSON.parse(plain.stderr.trim()).instructions);
    // The first instruction of the program runs at the entry point in M-mode.
    expect(lines[0]).toMatch(/^0 M 80000000 [0-9a-f]{4,8} \S+/);
    for (const line of lines.slice(0, 200)) expect(line).toMatch(/^0 [MSU] [0-9a-f]{8} [0-9a-f]{4}(?:[0-9a-f]{4})? .+?( [a-z0-9]+=[0-9a-f]{8})?$/);
    expect(lines.some((l) => / (sp|a0|t0|ra)=[0-9a-f]{8}$/.test(l))).toBe(true);
  });
});

describe('vmscope run: a guest that jumps into nowhere', () => {
  it('stops a trap loop (no handler where *tvec points) with exit 70 and a message that says what to fix', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-nowhere-'));
    fs.writeFileSync(path.join(dir, 'nowhere.S'), '.globl _start\n_start:\n  li t0, 0x12345678\n  jr t0\n');
    expect(vmscope(['as', path.join(dir, 'nowhere.S'), '--link', '-o', path.join(dir, 'nowhere.elf')]).code).toBe(0);
    const r = vmscope(['run', path.join(dir, 'nowhere.elf')], 20_000);
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/hart 0 is stuck in a trap loop: it keeps taking exception 1 .* at pc 0x00000000 .*set mtvec to a trap handler/);
  });

  it('also when the ISA lacks an extension the program uses (compressed code on rv32i)', () => {
    const r = vmscope(['run', HELLO, '--isa', 'rv32i', '--max-insns', '1000'], 20_000);
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/trap loop/);
  });
});


describe('vmscope run --features', () => {
  it('--reports DIR writes the chip key the reports are signed with (and each report; none here)', () => {
    const dir = path.join(tmp, 'reports');
    const r = vmscope(['run', HELLO, '--features', 'secure-processor', '--seed', '9', '--reports', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`wrote 0 attestation report(s) and chip-key.pem to ${dir}`);
    const key = fs.readFileSync(path.join(dir, 'chip-key.pem'), 'utf8');
    expect(key).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(vmscope(['chip-key', '--seed', '9']).stdout.toString()).toBe(key);
  });

  it('runs a program unchanged with memory encryption on, and --stats reports the seed and the engine', () => {
    const plain = vmscope(['run', HELLO]);
    const r = vmscope(['run', HELLO, '--features', 'memory-encryption', '--seed', '42', '--stats']);
    expect(r.code).toBe(plain.code);
    expect(r.stdout.toString()).toBe(plain.stdout.toString());
    const stats = JSON.parse(r.stderr.trim().split('\n').pop()!) as { seed: number; memoryEncryption: { keys: unknown[]; aes: { bytesDecrypted: number } } };
    expect(stats.seed).toBe(42);
    expect(stats.memoryEncryption.keys).toEqual([]); // no guest has a key: nothing is encrypted
    expect(stats.memoryEncryption.aes.bytesDecrypted).toBe(0);
  });
});
