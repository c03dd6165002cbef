/** Every ElfError loadElf raises, on hand-corrupted copies of the committed fixtures. */
import { describe, expect, it } from 'vitest';
import { ElfError, loadElf } from '../../../emulator/loader/elf';
import { EH, expectElfError, fixture, patch, ph, sh, u32 } from './helpers';

const tiny = fixture('tiny.elf');
const PT_NULL = 0;

describe('not an ELF file', () => {
  it('empty', () => {
    expectElfError(() => loadElf(new Uint8Array(0)), 'not-elf', /not an ELF file: the file is empty/);
  });

  it('shorter than the magic', () => {
    expectElfError(() => loadElf(Uint8Array.of(0x7f, 0x45, 0x4c)), 'not-elf', /not an ELF file/, /7f 45 4c/);
  });

  it('wrong magic (a text file)', () => {
    expectElfError(() => loadElf(new TextEncoder().encode('int main(void) { return 0; }\n')), 'not-elf',
      /not an ELF file: it starts with bytes 69 6e 74 20/, /linked executable/);
  });
});

describe('wrong kind of ELF', () => {
  it('64-bit (a real RV64 build)', () => {
    expectElfError(() => loadElf(fixture('rv64.elf')), 'elf64', /64-bit ELF/, /RV32/, /-march=rv32\S* -mabi=ilp32/);
  });

  it('64-bit (class byte patched)', () => {
    expectElfError(() => loadElf(patch(tiny, [4, 1, 2])), 'elf64');
  });

  it('unknown class', () => {
    expectElfError(() => loadElf(patch(tiny, [4, 1, 3])), 'bad-header', /EI_CLASS is 3/);
  });

  it('big-endian', () => {
    expectElfError(() => loadElf(patch(tiny, [5, 1, 2])), 'big-endian', /big-endian/, /little-endian/);
  });

  it('not RISC-V: names the machine found', () => {
    expectElfError(() => loadElf(patch(tiny, [EH.machine, 2, 62])), 'wrong-machine', /x86-64 \(e_machine 62\)/, /RISC-V \(e_machine 243\)/, /riscv64-unknown-elf-gcc/);
    expectElfError(() => loadElf(patch(tiny, [EH.machine, 2, 40])), 'wrong-machine', /ARM/);
    expectElfError(() => loadElf(patch(tiny, [EH.machine, 2, 0x1234])), 'wrong-machine', /unknown machine \(e_machine 4660\)/);
  });

  it('relocatable object (a real .o)', () => {
    expectElfError(() => loadElf(fixture('tiny.o')), 'not-exec', /relocatable object file \(ET_REL\)/, /link it/);
  });

  it('shared object / PIE', () => {
    expectElfError(() => loadElf(patch(tiny, [EH.type, 2, 3])), 'not-exec', /ET_DYN/, /-static/);
  });

  it('core dump and unknown types', () => {
    expectElfError(() => loadElf(patch(tiny, [EH.type, 2, 4])), 'not-exec', /core dump/);
    expectElfError(() => loadElf(patch(tiny, [EH.type, 2, 0xfe00])), 'not-exec', /ELF type 65024/);
  });
});

describe('truncated files name the offset', () => {
  it('inside the ELF header', () => {
    expectElfError(() => loadElf(tiny.subarray(0, 40)), 'truncated', /ELF header needs 52 bytes, the file has 40/);
  });

  it('inside the program header table', () => {
    expectElfError(() => loadElf(patch(tiny, [EH.shoff, 4, 0]).subarray(0, 60)), 'truncated',
      /program header table \(2 entries\) needs bytes 0x34\.\.0x73, but the file ends at offset 0x3c/);
  });

  it('program header table offset past the end', () => {
    expectElfError(() => loadElf(patch(tiny, [EH.phoff, 4, 0x10_0000])), 'truncated', /program header table \(2 entries\) needs bytes 0x100000\.\.0x10003f/);
  });

  it('inside the section header table (file cut short)', () => {
    const msg = expectElfError(() => loadElf(tiny.subarray(0, tiny.length - 10)), 'truncated', /section header table \(9 entries\) needs bytes/);
    expect(msg).toContain(`..0x${(tiny.length - 1).toString(16)}, but the file ends at offset 0x${(tiny.length - 10).toString(16)}`);
  });

  it('section header table offset past the end', () => {
    expectElfError(() => loadElf(patch(tiny, [EH.shoff, 4, 0xffff_0000])), 'truncated', /first section header needs bytes 0xffff0000\.\./);
  });

  it('segment data past the end', () => {
    expectElfError(() => loadElf(patch(tiny, [ph(tiny, 1).offset, 4, tiny.length - 8])), 'truncated',
      /76-byte data of program header 1 \(PT_LOAD RW- at paddr 0x80001000\) needs bytes/);
  });

  it('section contents past the end', () => {
    expectElfError(() => loadElf(patch(tiny, [sh(tiny, 7).offset, 4, tiny.length])), 'truncated', /the contents of section \.strtab needs bytes/);
  });
});

describe('corrupt headers and segments', () => {
  it('program header entry size', () => {
    expectElfError(() => loadElf(patch(tiny, [EH.phentsize, 2, 56])), 'bad-header', /e_phentsize is 56, ELF32 program headers are 32 bytes/);
  });

  it('section header entry size and name table index', () => {
    expectElfError(() => loadElf(patch(tiny, [EH.shentsize, 2, 64])), 'bad-header', /e_shentsize is 64/);
    expectElfError(() => loadElf(patch(tiny, [EH.shstrndx, 2, 99])), 'bad-header', /section name table index 99/);
  });

  it('file size larger than memory size', () => {
    expectElfError(() => loadElf(patch(tiny, [ph(tiny, 0).filesz, 4, 0x100])), 'bad-segment',
      /program header 0 \(PT_LOAD R-X at paddr 0x80000000\)/, /file size 0x100 is larger than its memory size 0x1c/);
  });

  it('segment wrapping the 32-bit address space', () => {
    expectElfError(() => loadElf(patch(tiny, [ph(tiny, 1).paddr, 4, 0xffff_ffc0])), 'bad-segment', /wraps around the 32-bit address space/, /paddr 0xffffffc0/);
    expectElfError(() => loadElf(patch(tiny, [ph(tiny, 1).vaddr, 4, 0xffff_ffc0])), 'bad-segment', /vaddr 0xffffffc0/);
  });

  it('overlapping segments', () => {
    expectElfError(() => loadElf(patch(tiny, [ph(tiny, 1).paddr, 4, 0x8000_0010])), 'overlap',
      /program headers 0 and 1 \(PT_LOAD\) overlap in memory: 0x80000000\.\.0x8000001b and 0x80000010\.\.0x8000009b/, /linker script/);
  });

  it('no loadable segment at all', () => {
    expectElfError(() => loadElf(patch(tiny, [ph(tiny, 0).type, 4, PT_NULL], [ph(tiny, 1).type, 4, PT_NULL])), 'bad-segment', /no loadable segment/);
  });

  it('malformed symbol table', () => {
    expectElfError(() => loadElf(patch(tiny, [sh(tiny, 6).entsize, 4, 24])), 'bad-symbols', /entries are 24 bytes/);
    expectElfError(() => loadElf(patch(tiny, [sh(tiny, 6).link, 4, 0])), 'bad-symbols', /string table index 0/);
  });
});

describe('QEMU load_elf placement rules', () => {
  it('cuts a segment to its file size when only its zero-filled tail overlaps another segment', () => {
    // Move the text segment just past the data segment's file bytes, into its bss.
    const img = loadElf(patch(tiny, [ph(tiny, 0).paddr, 4, 0x8000_1060]));
    const data = img.segments.find((s) => s.paddr === 0x8000_1000)!;
    expect(data.memsz).toBe(0x4c);
    expect(img.segments.find((s) => s.paddr === 0x8000_1060)!.memsz).toBe(0x1c);
  });

  it('loads at p_paddr and keeps p_vaddr', () => {
    const img = loadElf(patch(tiny, [ph(tiny, 1).paddr, 4, 0x8000_0100]));
    expect(img.segments[1]).toMatchObject({ paddr: 0x8000_0100, vaddr: 0x8000_1000 });
  });

  it('skips segments with p_memsz = 0', () => {
    const img = loadElf(patch(tiny, [ph(tiny, 0).filesz, 4, 0], [ph(tiny, 0).memsz, 4, 0]));
    expect(img.segments.map((s) => s.paddr)).toEqual([0x8000_1000]);
  });

  it('ignores non-PT_LOAD program headers', () => {
    const img = loadElf(patch(tiny, [ph(tiny, 0).type, 4, 0x7000_0003])); // PT_RISCV_ATTRIBUTES
    expect(img.segments).toHaveLength(1);
  });
});

describe('extended numbering', () => {
  it('reads the section count from section header 0 when e_shnum is 0', () => {
    const shoff = u32(tiny, EH.shoff);
    const img = loadElf(patch(tiny, [EH.shnum, 2, 0], [shoff + 20, 4, 9]));
    expect(img.sections).toHaveLength(8);
  });
});

describe('robustness', () => {
  it('every strict prefix of a valid file is refused with an ElfError, never a crash', () => {
    for (let n = 0; n < tiny.length; n++) {
      let err: unknown;
      try {
        loadElf(tiny.subarray(0, n));
      } catch (e) {
        err = e;
      }
      expect(err, `prefix of ${n} bytes`).toBeInstanceOf(ElfError);
      expect((err as ElfError).code, `prefix of ${n} bytes`).toBe(n < 4 ? 'not-elf' : 'truncated');
    }
  });

  it('random corruption either loads or raises an ElfError', () => {
    let seed = 12345;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 2000; i++) {
      const bad = tiny.slice();
      for (let k = 0; k < 4; k++) bad[Math.floor(rand() * 0x100)] = Math.floor(rand() * 256); // headers live in the first 256 bytes
      try {
        loadElf(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(ElfError);
      }
    }
  });
});
