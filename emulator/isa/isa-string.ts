/**
 * ISA naming strings (unprivileged spec ch. 28 "ISA Extension Naming Conventions"), e.g.
 * "rv32imac_zicsr_zifencei" or the ELF attribute form "rv32i2p1_m2p0_a2p1_c2p0_zicsr2p0", reduced to
 * the set of extension names they enable (lower case, versions dropped; "g" expands to
 * "imafd_zicsr_zifencei", 28.4).
 */
export function isaExtensions(isa: string): Set<string> {
  const out = new Set<string>();
  const tokens = isa.toLowerCase().trim().split('_').filter((t) => t.length > 0);
  const first = tokens.shift() ?? '';
  const m = /^rv(32|64|128)(.*)$/.exec(first);
  if (!m) return out;
  // Single-letter extensions, each optionally followed by a version (2p1, 2).
  for (const [, letter] of m[2]!.matchAll(/([a-z])(?:\d+(?:p\d+)?)?/g)) {
    if (letter === 'g') for (const x of ['i', 'm', 'a', 'f', 'd', 'zicsr', 'zifencei']) out.add(x);
    else out.add(letter!);
  }
  for (const t of tokens) out.add(t.replace(/\d+(p\d+)?$/, ''));
  return out;
}
