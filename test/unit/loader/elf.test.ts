/** loadElf / findSymbol / checkLoadable on the committed fixture (no toolchain needed). */
import { describe, expect, it } from 'vitest';
import { checkLoadable, ElfError, findSymbol, loadElf, type ElfImage, type ElfSymbol } from '../../../emulator/loader/elf';
import { findHtifSymbols } from '../../../emulator/loader/htif-symbols';
import { expectElfError, fixture, u32 } from './helpers';

const tinyBytes = fixture('tiny.elf');
const tiny = loadElf(tinyBytes);

describe('loadElf on tiny.elf', () => {
  it('reads the entry point', () => {
    expect(tiny.entry).toBe(0x8000_0000);
  });

  it('returns both PT_LOAD segments at their physical addresses, with bss as memsz beyond the data', () => {
    expect(tiny.segments.map(({ paddr, vaddr, memsz, flags, data }) => ({ paddr, vaddr, memsz, flags, filesz: data.length }))).toEqual([
      { paddr: 0x8000_0000, vaddr: 0x8000_0000, memsz: 0x1c, flags: 5, filesz: 0x1c },
      { paddr: 0x8000_1000, vaddr: 0x8000_1000, memsz: 0x8c, flags: 6, filesz: 0x4c },
    ]);
  });

  it('copies segment bytes from the file', () => {
    const data = tiny.segments[1]!.data;
    expect(u32(data, 0x48)).toBe(41); // counter: .word 41
    const text = tiny.segments[0]!.data;
    expect(Array.from(text.subarray(0x16, 0x1c))).toEqual([...'hello\0'].map((c) => c.charCodeAt(0)));
    expect(text.buffer).not.toBe(tinyBytes.buffer); // a copy, not a view of the file
  });

  it('lists the sections except the null one', () => {
    expect(tiny.sections.map((s) => s.name)).toEqual(['.text', '.rodata', '.tohost', '.data', '.bss', '.symtab', '.strtab', '.shstrtab']);
    expect(tiny.sections[4]).toMatchObject({ name: '.bss', addr: 0x8000_104c, size: 0x40, type: 8, flags: 3 });
    expect(tiny.sections[0]).toMatchObject({ name: '.text', addr: 0x8000_0000, size: 0x16, type: 1, flags: 6, offset: 0x80 });
  });

  it('reads symbols with type and binding; section symbols take their section name', () => {
    const by = (name: string) => tiny.symbols.filter((s) => s.name === name);
    expect(tiny.symbols).toHaveLength(17);
    expect(by('_start')).toEqual([{ name: '_start', value: 0x8000_0000, size: 18, type: 'func', bind: 'global' }]);
    expect(by('helper')).toEqual([{ name: 'helper', value: 0x8000_0012, size: 2, type: 'func', bind: 'local' }]);
    expect(by('weak_hook')[0]).toMatchObject({ type: 'func', bind: 'weak' });
    expect(by('message')[0]).toMatchObject({ value: 0x8000_0016, size: 6, type: 'object', bind: 'global' });
    expect(by('buffer')[0]).toMatchObject({ value: 0x8000_104c, size: 64, type: 'object' });
    expect(by('loop')[0]).toMatchObject({ value: 0x8000_0008, type: 'notype', bind: 'local' });
    expect(by('tiny.S')[0]).toMatchObject({ type: 'file', bind: 'local' });
    expect(by('.data')[0]).toMatchObject({ value: 0x8000_1048, type: 'section' });
  });
});

describe('findSymbol', () => {
  it('finds by name', () => {
    expect(findSymbol(tiny, 'counter')?.value).toBe(0x8000_1048);
    expect(findSymbol(tiny, 'nope')).toBeUndefined();
  });

  it('prefers global over weak over local definitions', () => {
    const sym = (bind: ElfSymbol['bind'], value: number): ElfSymbol => ({ name: 'x', value, size: 0, type: 'func', bind });
    const img = (symbols: ElfSymbol[]): ElfImage => ({ entry: 0, segments: [], sections: [], symbols });
    expect(findSymbol(img([sym('local', 1), sym('weak', 2), sym('global', 3)]), 'x')?.value).toBe(3);
    expect(findSymbol(img([sym('local', 1), sym('weak', 2)]), 'x')?.value).toBe(2);
    expect(findSymbol(img([sym('local', 1), sym('local', 4)]), 'x')?.value).toBe(1);
  });
});

describe('findHtifSymbols', () => {
  const img = (symbols: Partial<ElfSymbol>[]): ElfImage => ({
    entry: 0, segments: [], sections: [],
    symbols: symbols.map((s) => ({ name: '', value: 0, size: 8, type: 'object', bind: 'global', ...s })),
  });

  it('takes tohost and fromhost from the program (riscv-tests layout)', () => {
    expect(findHtifSymbols(tiny)).toEqual({ tohost: 0x8000_1000, fromhost: 0x8000_1040 });
  });

  it('is undefined without tohost and leaves fromhost out when absent', () => {
    expect(findHtifSymbols(img([{ name: 'fromhost' }]))).toBeUndefined();
    expect(findHtifSymbols(img([{ name: 'tohost', value: 0x100 }]))).toEqual({ tohost: 0x100 });
  });

  it('insists on 8-byte, separate variables like QEMU', () => {
    expectElfError(() => findHtifSymbols(img([{ name: 'tohost', size: 4 }])), 'bad-symbols', /'tohost'.* 4 bytes/, /\.dword/);
    expectElfError(() => findHtifSymbols(img([{ name: 'tohost', value: 0x100 }, { name: 'fromhost', value: 0x104 }])), 'bad-symbols', /overlap/);
  });
});

describe('checkLoadable', () => {
  const RAM = (size: number, base = 0x8000_0000) => ({ base, size, name: 'RAM' });

  it('accepts segments inside RAM', () => {
    expect(() => checkLoadable(tiny, [RAM(128 << 20)])).not.toThrow();
    expect(() => checkLoadable(tiny, [{ base: 0x8000_0000, size: 0x1000, name: 'ROM' }, RAM(0x1000, 0x8000_1000)])).not.toThrow();
  });

  it('names the segment, its sections and the memory when a segment is outside every range', () => {
    const msg = expectElfError(() => checkLoadable(tiny, [RAM(0x10_0000, 0x8010_0000)]), 'not-loadable',
      /segment 0x80000000\.\.0x8000001b/, /\.text \.rodata/, /R-X/, /RAM 0x80100000\.\.0x801fffff/);
    expect(msg).toMatch(/link the program/);
  });

  it('says by how much a segment runs past the end of RAM', () => {
    expectElfError(() => checkLoadable(tiny, [RAM(0x1050)]), 'not-loadable',
      /segment 0x80001000\.\.0x8000108b/, /\.tohost \.data \.bss/, /runs past the end of RAM \(0x80000000\.\.0x8000104f\) by 0x3c bytes/);
  });

  it('reports a machine without memory', () => {
    expectElfError(() => checkLoadable(tiny, []), 'not-loadable', /no memory at all/);
  });

  it('throws ElfError instances (for `instanceof` in the CLI and adapter)', () => {
    expect(() => checkLoadable(tiny, [])).toThrow(ElfError);
  });
});
