/**
 * -march strings as GNU as 2.40 canonicalizes them for the Tag_RISCV_arch attribute and the `$x<isa>`
 * mapping symbols (bfd/elfxx-riscv.c: default versions, implied extensions, canonical order).
 */
const VERSIONS: Record<string, string> = {
  i: '2p1', e: '2p0', m: '2p0', a: '2p1', f: '2p2', d: '2p2', q: '2p2', c: '2p0', h: '1p0',
  zicsr: '2p0', zifencei: '2p0', zicbom: '1p0', zicboz: '1p0', zicbop: '1p0', zmmul: '1p0', zihintpause: '2p0',
  zicntr: '2p0', zihpm: '2p0', zba: '1p0', zbb: '1p0', zbc: '1p0', zbs: '1p0',
};
const SINGLE_ORDER = 'iemafdqlcbkjtpvh';

export interface Arch {
  xlen: 32 | 64;
  exts: Set<string>;
}

/** Parse `rv32imac_zicsr...`; throws a message on a malformed string. */
export function parseArch(s: string): Arch {
  const m = /^rv(32|64)([a-z0-9_]*)$/.exec(s.toLowerCase());
  if (!m) throw new Error(`invalid -march '${s}': expected rv32 or rv64 followed by extensions`);
  const exts = new Set<string>();
  const parts = m[2]!.split('_').filter((p) => p.length > 0);
  const singles = parts.length > 0 && !/^[zsx]/.test(parts[0]!) ? parts.shift()! : '';
  for (const [, letter] of singles.matchAll(/([a-z])(?:\d+(?:p\d+)?)?/g)) {
    if (letter === 'g') for (const x of ['i', 'm', 'a', 'f', 'd', 'zicsr', 'zifencei']) exts.add(x);
    else exts.add(letter!);
  }
  for (const p of parts) exts.add(p.replace(/\d+(p\d+)?$/, ''));
  return { xlen: Number(m[1]) as 32 | 64, exts: withImplied(exts) };
}

function withImplied(exts: Set<string>): Set<string> {
  const out = new Set(exts);
  if (out.has('m')) out.add('zmmul');
  if (out.has('f') || out.has('d')) out.add('zicsr');
  if (out.has('d')) out.add('f');
  if (out.has('h')) out.add('zicsr');
  return out;
}

/** Apply `.option arch, +x, -y` or `.option arch, rv32...`. */
export function modifyArch(a: Arch, spec: string): Arch {
  const items = spec.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
  if (items.length === 1 && items[0]!.startsWith('rv')) return parseArch(items[0]!);
  const exts = new Set(a.exts);
  for (const it of items) {
    const name = it.slice(1).replace(/\d+(p\d+)?$/, '');
    if (it[0] === '+') exts.add(name);
    else if (it[0] === '-') { exts.delete(name); if (name === 'm') exts.delete('zmmul'); }
    else throw new Error(`bad .option arch item '${it}': expected +EXT, -EXT or a full ISA string`);
  }
  return { xlen: a.xlen, exts: withImplied(exts) };
}

/** The canonical attribute string, e.g. rv32i2p1_m2p0_a2p1_c2p0_zicsr2p0_zifencei2p0_zmmul1p0. */
export function archString(a: Arch): string {
  const singles = [...a.exts].filter((e) => e.length === 1).sort((x, y) => SINGLE_ORDER.indexOf(x) - SINGLE_ORDER.indexOf(y));
  const multi = [...a.exts].filter((e) => e.length > 1);
  // Multi-letter: z extensions ordered by their category letter (the second letter's place in the
  // single-letter order), then alphabetically; then s, then x.
  const cat = (e: string): number => (e[0] === 'z' ? 0 : e[0] === 's' ? 1 : 2);
  multi.sort((x, y) => {
    if (cat(x) !== cat(y)) return cat(x) - cat(y);
    if (x[0] === 'z' && x[1] !== y[1]) return SINGLE_ORDER.indexOf(x[1]!) - SINGLE_ORDER.indexOf(y[1]!);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const ver = (e: string): string => VERSIONS[e] ?? '1p0';
  return `rv${a.xlen}` + [...singles, ...multi].map((e, i) => (i === 0 ? '' : '_') + e + ver(e)).join('');
}
