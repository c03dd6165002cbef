/** Deterministic random instruction mixes for differential testing against GNU as. */

export function randomSource(seed: number, count = 600): string {
  let s = seed;
  const rnd = (n: number): number => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s % n; };
  const pick = <T>(a: readonly T[]): T => a[rnd(a.length)]!;
  const regs = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 's2', 't6', 'x8', 'x15', 'fp'];
  const creg = ['s0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5'];
  const R = (): string => (rnd(3) === 0 ? pick(creg) : pick(regs));
  const imm12 = (): number => pick([0, 1, -1, 31, -32, 32, -33, 2047, -2048, 4, 8, 16, -16, 252, 256, 124, 128, 1020, 1024, 496, -512, rnd(4096) - 2048]);
  const off = (): number => pick([0, 4, 124, 128, 252, 256, 2, -4, imm12()]);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = R();
    let b = R();
    if (rnd(2)) b = a;
    switch (rnd(24)) {
      case 0: lines.push(`addi ${a}, ${b}, ${imm12()}`); break;
      case 1: lines.push(`add ${a}, ${b}, ${R()}`); break;
      case 2: lines.push(`${pick(['and', 'or', 'xor', 'sub'])} ${a}, ${b}, ${R()}`); break;
      case 3: lines.push(`${pick(['andi', 'xori', 'ori', 'slti', 'sltiu'])} ${a}, ${b}, ${imm12()}`); break;
      case 4: lines.push(`${pick(['slli', 'srli', 'srai'])} ${a}, ${b}, ${pick([0, 1, 31, rnd(32)])}`); break;
      case 5: lines.push(`li ${a}, ${pick([imm12(), rnd(1 << 20) * 4096, rnd(0x7fffffff), -rnd(0x7fffffff), 0xfffff000, 0x1f000, 0xfffe0000, 0x800, 0xfffff800])}`); break;
      case 6: lines.push(`lui ${a}, ${pick([0, 1, 31, 32, 0xfffe0, 0xfffff, 0xfffdf, rnd(1 << 20)])}`); break;
      case 7: lines.push(`lw ${a}, ${off()}(${pick(['sp', ...creg, R()])})`); break;
      case 8: lines.push(`sw ${a}, ${off()}(${pick(['sp', ...creg, R()])})`); break;
      case 9: lines.push(`${pick(['lb', 'lh', 'lbu', 'lhu'])} ${a}, ${imm12()}(${b})`); break;
      case 10: lines.push(`${pick(['sb', 'sh'])} ${a}, ${imm12()}(${b})`); break;
      case 11: lines.push(`mv ${a}, ${b}`); break;
      case 12: lines.push(`${pick(['jr', 'jalr'])} ${a}`); break;
      case 13: lines.push(`${pick(['mul', 'mulh', 'div', 'remu'])} ${a}, ${b}, ${R()}`); break;
      case 14: lines.push(`${pick(['neg', 'not', 'seqz', 'snez', 'sltz', 'sgtz'])} ${a}, ${b}`); break;
      case 15: lines.push(`csrr ${a}, ${pick(['mstatus', 'mepc', '0x7c0', 'cycle', 'sscratch', 'hstatus', 'vsatp'])}`); break;
      case 16: lines.push(`${pick(['csrw', 'csrs', 'csrc'])} ${pick(['mstatus', 'mie', 'sstatus'])}, ${pick([a, String(rnd(32))])}`); break;
      case 17: lines.push(`${pick(['amoadd.w', 'amoswap.w.aq', 'sc.w.rl'])} ${a}, ${b}, (${R()})`); break;
      case 18: lines.push(`${pick(['beqz', 'bnez', 'bltz', 'bgez', 'blez', 'bgtz'])} ${a}, L${rnd(8)}`); break;
      case 19: lines.push(`${pick(['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu', 'bgt', 'ble', 'bgtu', 'bleu'])} ${a}, ${b}, L${rnd(8)}`); break;
      case 20: lines.push(`${pick(['j', 'jal', 'call', 'tail'])} L${rnd(8)}`); break;
      case 21: lines.push(`${pick(['.zero 64', '.zero 300', '.zero 2050', '.align 2', '.p2align 3'])}`); break;
      case 22: lines.push(`${pick(['la', 'lla'])} ${a === 'zero' ? 'a0' : a}, L${rnd(8)}`); break;
      default: lines.push(pick(['nop', 'ret', 'ebreak', 'ecall', 'fence', 'fence.i', 'fence r, rw', 'wfi', 'mret', 'sfence.vma a0', 'fence.tso'])); break;
    }
    if (rnd(40) === 0) lines.push(`L${rnd(8)}_${i}:`);
  }
  // Each target label once, spread through the code.
  for (let n = 0; n < 8; n++) lines.splice(Math.floor((n * lines.length) / 8), 0, `L${n}:`);
  return lines.join('\n') + '\n';
}
