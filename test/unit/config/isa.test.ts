import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, parseIsa } from '../../../emulator/config';

const MISA = { a: 1 << 0, c: 1 << 2, h: 1 << 7, i: 1 << 8, m: 1 << 12, s: 1 << 18, u: 1 << 20, mxl32: 0x40000000 };

describe('parseIsa', () => {
  it('gives the default machine everything it has, and misa = MXL 32 + I M A C H S U', () => {
    const sel = parseIsa(DEFAULT_CONFIG.isa);
    expect(sel.misa).toBe((MISA.mxl32 | MISA.a | MISA.c | MISA.h | MISA.i | MISA.m | MISA.s | MISA.u) >>> 0);
    expect([...sel.extensions].sort()).toEqual(['a', 'c', 'h', 'i', 'm', 'zicbom', 'zicntr', 'zicsr', 'zifencei']);
  });

  it('implies Zicsr and Zifencei as ISA 2.2 strings do, and leaves the rest off', () => {
    const sel = parseIsa('RV32IM');
    expect(sel.misa).toBe((MISA.mxl32 | MISA.i | MISA.m | MISA.s | MISA.u) >>> 0);
    expect(sel.extensions.has('zicsr')).toBe(true);
    expect(sel.extensions.has('zifencei')).toBe(true);
    expect(sel.extensions.has('c')).toBe(false);
    expect(sel.extensions.has('zicntr')).toBe(false);
  });

  it('takes H (the hypervisor extension, single letter after C as QEMU writes rv32imach): misa bit 7', () => {
    const sel = parseIsa('rv32imach_zicsr_zifencei_zicntr_zicbom');
    expect(sel.misa).toBe(0x40141185); // QEMU 7.2 -cpu rv32,h=true
    expect(sel.extensions.has('h')).toBe(true);
  });

  it.each([
    ['rv64imac', /RV32 only/],
    ['rv32gc', /G includes F and D/],
    ['rv32e', /RV32E is not supported/],
    ['rv32imafc', /extension 'f' is not implemented/],
    ['rv32i_zba', /extension 'zba' is not implemented/],
    ['x86', /not of the form/],
  ])('rejects %s with a message that names the fix', (isa, message) => {
    expect(() => parseIsa(isa)).toThrow(ConfigError);
    expect(() => parseIsa(isa)).toThrow(message);
  });
});
