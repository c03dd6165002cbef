/**
 * `vmscope/memoryPair` (adapter/protocol.ts): a range as the guest with an ASID sees it beside what DRAM
 * holds, per 16-byte block (the engine's unit, cvm-model 3.2), with per page the C-bit when a
 * translation tells it and whether the guest's accesses there are private (decrypted with its key) or
 * shared (DRAM as it is, 2.4), and its RMP entry on a machine with integrity (6.2). For the memory-pair
 * view; the Target translates, the machine decrypts.
 */
import { needMee, nodbgNote, keyOf } from '../cvm';
import {
  ERR, formatMemoryReference, MAX_ASID, MEMORY_PAIR, MEMORY_PAIR_MAX, parseMemoryReference, type AddressSpace, type MemoryPairBlock,
  type MemoryPairPage, type MemoryPairResponse, type RmpEntryState,
} from '../protocol';
import type { Target } from '../target';
import { fail, int } from '../validate';

const C = `'${MEMORY_PAIR}'`;
const BLOCK = 16;
const PAGE = 4096;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const hex8 = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/** The ASID the reference names: dec:'s, gpa:'s VMID, the VMID a va: hart runs; undefined for phys: and a host hart. */
function asidOfSpace(t: Target, space: AddressSpace): number | undefined {
  if (space.kind === 'phys') return space.asid;
  if (space.kind === 'gpa') return space.vmid;
  return t.vmidOf(space.hart);
}

function checkedAsid(t: Target, space: AddressSpace, a: Record<string, unknown>): number {
  const named = asidOfSpace(t, space);
  if (a.asid === undefined) {
    if (named === undefined) {
      const why = space.kind === 'va' ? `hart ${space.hart} runs no guest now` : 'phys: names no ASID';
      fail(`${C}: ${why}: give argument 'asid' (1..${MAX_ASID}) or a reference that names one (dec:<asid>:, gpa:<vmid>:)`);
    }
    if (named < 1 || named > MAX_ASID) fail(`${C}: VMID ${named} is not a guest ASID (1..${MAX_ASID}; 0 is the host, which has no key)`);
    return named;
  }
  const asid = int(MEMORY_PAIR, a, 'asid');
  if (asid < 1 || asid > MAX_ASID) fail(`${C}: argument 'asid' must be a guest ASID from 1 to ${MAX_ASID}, got ${asid}`);
  if (named !== undefined && named !== asid) fail(`${C}: argument 'asid' ${asid} contradicts the reference, which names ASID ${named}`);
  return asid;
}

/** The RMP entry of the system page holding `pa` (all zero when none was written); undefined without `integrity`. */
function rmpEntry(t: Target, pa: number): RmpEntryState | undefined {
  const rmp = t.machine.rmp;
  if (rmp === undefined) return undefined;
  const e = rmp.entry(pa);
  if (e === undefined) return { assigned: false, asid: 0, gpa: 0, validated: false, immutable: false };
  return { assigned: e.assigned, asid: e.asid, gpa: (e.gpn * PAGE) >>> 0, validated: e.validated, immutable: e.immutable };
}

export function memoryPair(t: Target, a: Record<string, unknown>): MemoryPairResponse {
  const m = t.machine;
  needMee(m);
  const ref = parseMemoryReference(a.memoryReference);
  if (typeof ref === 'string') fail(`${C}: ${ref}`, ERR.memory);
  const { space } = ref;
  if (space.kind === 'va' && !m.harts[space.hart]) fail(`${C}: no hart ${space.hart} (va:<hart>:...; harts 0..${m.harts.length - 1})`, ERR.memory);
  const length = int(MEMORY_PAIR, a, 'length');
  if (length < 1 || length > MEMORY_PAIR_MAX) fail(`${C}: argument 'length' must be 1..${MEMORY_PAIR_MAX} bytes (ask for longer ranges piece by piece), got ${length}`, ERR.memory);
  const asid = checkedAsid(t, space, a);
  const start = ref.address - (ref.address % BLOCK);
  const end = Math.ceil((ref.address + length) / BLOCK) * BLOCK;
  if (end > 2 ** 32) fail(`${C}: the range ${hex8(ref.address)} + ${length} goes beyond the 32-bit address space`, ERR.memory);

  const pages: MemoryPairPage[] = [];
  const blocks: MemoryPairBlock[] = [];
  for (let at = start; at < end; ) {
    const n = Math.min(end - at, PAGE - (at % PAGE));
    const tr = t.translate(space, at);
    if (!tr.ok) {
      pages.push({ address: at, enc: null, view: 'unmapped', reason: tr.reason });
    } else if (t.readPhys(tr.pa, 1) === undefined || t.readPhys(tr.pa + n - 1, 1) === undefined) {
      pages.push({ address: at, pa: tr.pa, enc: null, view: 'unmapped', reason: `${hex8(tr.pa)} is not in RAM` });
    } else {
      // The C-bit a guest space reports; phys: / dec: (and a host hart with an 'asid') are read private.
      const enc = space.kind === 'phys' || tr.enc === undefined ? null : tr.enc === 1 ? 1 : 0;
      const view = enc === 0 ? 'shared' : 'private';
      const rmp = rmpEntry(t, tr.pa);
      pages.push({ address: at, pa: tr.pa, ...(tr.gpa !== undefined ? { gpa: tr.gpa } : {}), enc, view, ...(rmp ? { rmp } : {}) });
      const dram = m.readPhys(tr.pa, n);
      const plain = view === 'private' ? m.readPhys(tr.pa, n, asid) : dram;
      for (let o = 0; o < n; o += BLOCK) {
        blocks.push({ address: at + o, pa: tr.pa + o, plaintext: hex(plain.subarray(o, o + BLOCK)), ciphertext: hex(dram.subarray(o, o + BLOCK)) });
      }
    }
    at += n;
  }
  const views = new Set(pages.map((p) => p.view).filter((v) => v !== 'unmapped'));
  const key = keyOf(m, asid);
  const note = views.has('private') ? nodbgNote(m, asid) : undefined;
  const out: MemoryPairResponse = {
    asid, keyBound: key !== undefined, ...(key ? { fingerprint: key.fingerprint } : {}),
    memoryReference: formatMemoryReference({ space, address: start }), address: start, length: end - start,
    blocks, pages,
    view: views.size === 0 ? 'unmapped' : views.size === 2 ? 'mixed' : views.has('private') ? 'private' : 'shared',
    nodbg: note !== undefined,
  };
  if (note !== undefined) out.note = note;
  else if (key === undefined) out.note = `ASID ${asid} has no key bound: its guest runs unencrypted, so what it reads is DRAM as it is (cvm-model 1.2)`;
  return out;
}
