/**
 * loadElf against real programs built with riscv64-unknown-elf-gcc/ld in a temp dir, with readelf as
 * the oracle for segments, sections and symbols. Skipped when the toolchain is not on PATH (the
 * committed fixtures cover the same ground in elf.test.ts / elf-errors.test.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadElf, type ElfImage } from '../../../emulator/loader/elf';
import {
  build, CC, expectElfError, HAS_TOOLCHAIN, readelfSections, readelfSegments, readelfSymbols, run, tmpDir,
} from './helpers';

const C_SOURCE = `
int counter = 41;
static volatile int hidden;
char buffer[256];
const char greeting[] = "hello, vmscope";
__attribute__((weak)) void hook(void) {}
static int twice(int x) { return 2 * x + hidden; }
int main(void) { hook(); counter = twice(counter); buffer[0] = greeting[0]; return counter; }
`;

const START = `
  .section .text.init, "ax"
  .globl _start
  .type _start, @function
_start:
  la sp, __stack_top
  call main
1: j 1b
  .size _start, . - _start
`;

const RAM_LD = `
OUTPUT_ARCH(riscv)
ENTRY(_start)
MEMORY { RAM (rwx) : ORIGIN = 0x80000000, LENGTH = 1M }
SECTIONS {
  .text : { *(.text.init) *(.text .text.*) } > RAM
  .rodata : { *(.rodata .rodata.* .srodata .srodata.*) } > RAM
  .data : ALIGN(16) { *(.data .data.* .sdata .sdata.*) } > RAM
  .bss : { *(.sbss .sbss.* .bss .bss.* COMMON) } > RAM
  __stack_top = ORIGIN(RAM) + LENGTH(RAM);
}
`;

/** .data linked in RAM but stored in ROM right after .text (LMA != VMA), the embedded-flash layout. */
const ROM_LD = `
OUTPUT_ARCH(riscv)
ENTRY(_start)
MEMORY { ROM (rx) : ORIGIN = 0x20000000, LENGTH = 64K  RAM (rwx) : ORIGIN = 0x80000000, LENGTH = 1M }
SECTIONS {
  .text : { *(.text.init) *(.text .text.*) } > ROM
  .rodata : { *(.rodata .rodata.* .srodata .srodata.*) } > ROM
  .data : ALIGN(16) { *(.data .data.* .sdata .sdata.*) } > RAM AT > ROM
  .bss : { *(.sbss .sbss.* .bss .bss.* COMMON) } > RAM
  __stack_top = ORIGIN(RAM) + LENGTH(RAM);
}
`;

const FLAGS: Record<string, number> = { R: 4, W: 2, E: 1 };

/** Compare an image with what readelf says about the same file. */
function expectMatchesReadelf(file: string, img: ElfImage): void {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const segs = readelfSegments(file).filter((s) => s.memsz > 0);
  expect(img.segments.map((s) => ({ vaddr: s.vaddr, paddr: s.paddr, filesz: s.data.length, memsz: s.memsz, flags: s.flags })))
    .toEqual(segs.map((s) => ({
      vaddr: s.vaddr, paddr: s.paddr, filesz: s.filesz, memsz: s.memsz, flags: [...s.flags].reduce((a, c) => a | FLAGS[c]!, 0),
    })));
  segs.forEach((s, i) => expect(img.segments[i]!.data).toEqual(bytes.subarray(s.offset, s.offset + s.filesz)));

  expect(img.sections.map((s) => ({ name: s.name, addr: s.addr, offset: s.offset, size: s.size, nobits: s.type === 8, alloc: (s.flags & 2) !== 0 })))
    .toEqual(readelfSections(file).map((s) => ({
      name: s.name, addr: s.addr, offset: s.offset, size: s.size, nobits: s.type === 'NOBITS', alloc: s.flags.includes('A'),
    })));

  expect(img.symbols.map((s) => ({ name: s.name, value: s.value, size: s.size, type: s.type, bind: s.bind })))
    .toEqual(readelfSymbols(file).map((s) => ({
      name: s.name, value: s.value, size: s.size, type: s.type.toLowerCase(), bind: s.bind.toLowerCase(),
    })));
}

describe.skipIf(!HAS_TOOLCHAIN)('real ELFs from riscv64-unknown-elf-gcc (live)', () => {
  it('a C program linked into RAM', () => {
    const file = build({ 'start.S': START, 'main.c': C_SOURCE, 'link.ld': RAM_LD }, ['-T', 'link.ld']);
    const img = loadElf(new Uint8Array(fs.readFileSync(file)));
    expectMatchesReadelf(file, img);
    expect(img.entry).toBe(0x8000_0000);
    expect(img.symbols.find((s) => s.name === 'hook')).toMatchObject({ type: 'func', bind: 'weak' });
    expect(img.symbols.find((s) => s.name === 'hidden')).toMatchObject({ type: 'object', bind: 'local', size: 4 });
  });

  it('a program whose .data is stored in ROM and runs in RAM (p_paddr != p_vaddr)', () => {
    const file = build({ 'start.S': START, 'main.c': C_SOURCE, 'link.ld': ROM_LD }, ['-T', 'link.ld']);
    const img = loadElf(new Uint8Array(fs.readFileSync(file)));
    expectMatchesReadelf(file, img);
    const data = img.segments.find((s) => s.vaddr !== s.paddr);
    expect(data, 'a segment with LMA != VMA').toBeDefined();
    expect(data!.paddr >>> 28).toBe(2); // stored in ROM
    expect(data!.vaddr >>> 28).toBe(8); // runs in RAM
  });

  it('every committed guest under test/programs', () => {
    const dir = path.join(__dirname, '..', '..', 'programs');
    const elfs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.elf')) : [];
    for (const f of elfs) expectMatchesReadelf(path.join(dir, f), loadElf(new Uint8Array(fs.readFileSync(path.join(dir, f)))));
  });

  it('refuses an object file and a 64-bit program built just now', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'main.c'), C_SOURCE);
    run(CC, ['-march=rv32imac', '-mabi=ilp32', '-c', 'main.c', '-o', 'main.o'], dir);
    expectElfError(() => loadElf(new Uint8Array(fs.readFileSync(path.join(dir, 'main.o')))), 'not-exec', /ET_REL/);
    run(CC, ['-march=rv64imac', '-mabi=lp64', '-nostdlib', '-ffreestanding', '-Wl,-e,main', 'main.c', '-o', 'main64.elf'], dir);
    expectElfError(() => loadElf(new Uint8Array(fs.readFileSync(path.join(dir, 'main64.elf')))), 'elf64', /rv32/);
  });
});
