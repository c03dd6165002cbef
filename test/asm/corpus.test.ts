/**
 * Differential tests of `vmscope as` against GNU as 2.40 (riscv64-unknown-elf-as): every source in
 * corpus/ is assembled with relaxation (gas' default) and with -mno-relax; our object must equal
 * GNU's section by section (bytes, headers), relocation by relocation and symbol by symbol. The GNU
 * side is committed as corpus/<name>.gnu.json so the comparison runs without the toolchain; with it
 * (HAS_TOOLCHAIN) the test also compares `objdump -dr` listings live and links both objects with GNU
 * ld, comparing the linked sections. VMSCOPE_REGEN_ASM=1 rewrites the fixtures from the toolchain.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../emulator/asm/assembler';
import { link as link2 } from '../../emulator/asm/link';
import { HAS_TOOLCHAIN } from '../oracles';
import { elfFacts, type Facts } from './elf-facts';

const DIR = path.join(__dirname, 'corpus');
const SOURCES = fs.readdirSync(DIR).filter((f) => f.endsWith('.S')).sort();
const MODES = { relax: [] as string[], norelax: ['-mno-relax'] };
type Mode = keyof typeof MODES;

interface Fixture {
  objects: Record<Mode, Facts>;
  linked: Record<Mode, Facts>;
  /** GNU's .debug_line (as --gdwarf-5), whose bytes do not depend on the directory. */
  debugLine: Record<Mode, { hex: string }>;
  /** GNU ld --no-relax -Ttext=0x80000000 of GNU's object: what `vmscope link --base` must produce. */
  linkedNoRelax: Record<Mode, Facts>;
}

const BASE = 0x80000000;

/** The loaded part of a linked file: allocated sections (address, size, bytes). */
function loaded(f: Facts): Facts['sections'] {
  return Object.fromEntries(Object.entries(f.sections).filter(([n]) => n !== '.riscv.attributes'));
}

function flagsOf(src: string): string[] {
  const m = /^# flags: (.*)$/m.exec(src);
  return m ? m[1]!.trim().split(/\s+/) : [];
}

function run(cmd: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function ours(src: string, file: string, flags: string[]): Uint8Array {
  const march = flags.find((f) => f.startsWith('-march='))?.slice(7);
  const r = assemble(src, { file, march, relax: !flags.includes('-mno-relax'), debugLine: flags.includes('--gdwarf-5'), compDir: DIR });
  expect(r.errors).toEqual([]);
  return r.object!;
}

/** Undefined symbols of an object (given an address when linking). */
function undefinedSymbols(obj: string): string[] {
  return run('riscv64-unknown-elf-nm', ['-u', obj]).stdout.split('\n').map((l) => l.trim().split(/\s+/).pop()).filter((s): s is string => !!s);
}

/** Link one object with GNU ld's default script; undefined symbols are given an address. */
function link(obj: string, out: string, extra: string[] = []): void {
  const at = extra.length > 0 ? BASE : 0x12000;
  const defs = undefinedSymbols(obj).map((s) => `--defsym=${s}=0x${at.toString(16)}`);
  const r = run('riscv64-unknown-elf-ld', ['-m', 'elf32lriscv', '-e', '0', '--no-warn-rwx-segments', ...extra, ...defs, obj, '-o', out]);
  if (r.status !== 0) throw new Error(`ld ${obj}: ${r.stderr}`);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-as-'));

describe('assembler corpus vs GNU as 2.40', () => {
  for (const name of SOURCES) {
    const srcPath = path.join(DIR, name);
    const src = fs.readFileSync(srcPath, 'utf8');
    const fixturePath = srcPath.replace(/\.S$/, '.gnu.json');
    const base = name.replace(/\.S$/, '');

    if (HAS_TOOLCHAIN && process.env.VMSCOPE_REGEN_ASM) {
      it(`${name}: regenerate the GNU fixture`, () => {
        const fx = { objects: {}, linked: {}, debugLine: {}, linkedNoRelax: {} } as Fixture;
        for (const [mode, extra] of Object.entries(MODES) as [Mode, string[]][]) {
          const g = path.join(tmp, `${base}.${mode}.gnu.o`);
          const r = run('riscv64-unknown-elf-as', ['-mabi=ilp32', ...flagsOf(src), ...extra, srcPath, '-o', g]);
          expect(r.stderr).toBe('');
          fx.objects[mode] = elfFacts(fs.readFileSync(g));
          link(g, g + '.elf');
          fx.linked[mode] = elfFacts(fs.readFileSync(g + '.elf'), { linked: true });
          link(g, g + '.nr.elf', ['--no-relax', `-Ttext=0x${BASE.toString(16)}`]);
          fx.linkedNoRelax[mode] = elfFacts(fs.readFileSync(g + '.nr.elf'), { linked: true });
          const gg = path.join(tmp, `${base}.${mode}.g.gnu.o`);
          expect(spawnSync('riscv64-unknown-elf-as', ['-mabi=ilp32', ...flagsOf(src), ...extra, '--gdwarf-5', name, '-o', gg], { cwd: DIR }).status).toBe(0);
          fx.debugLine[mode] = { hex: elfFacts(fs.readFileSync(gg)).sections['.debug_line']!.hex };
        }
        fs.writeFileSync(fixturePath, JSON.stringify(fx, null, 1) + '\n');
      });
    }

    for (const mode of Object.keys(MODES) as Mode[]) {
      const flags = [...flagsOf(src), ...MODES[mode]];
      it(`${name} (${mode}): object equals GNU's (sections, relocations, symbols)`, () => {
        const fx = JSON.parse(fs.readFileSync(fixturePath, 'utf8')) as Fixture;
        const facts = elfFacts(ours(src, name, flags));
        expect(facts.sections).toEqual(fx.objects[mode].sections);
        expect(facts.relocs).toEqual(fx.objects[mode].relocs);
        expect(facts.symbols).toEqual(fx.objects[mode].symbols);
        expect(facts.flags).toBe(fx.objects[mode].flags);
        const g = elfFacts(ours(src, name, [...flags, '--gdwarf-5']));
        expect(g.sections['.debug_line']!.hex).toBe(fx.debugLine[mode].hex);
      });

      it.skipIf(/^# link: no/m.test(src))(`${name} (${mode}): vmscope link --base equals GNU ld --no-relax -Ttext`, () => {
        const fx = JSON.parse(fs.readFileSync(fixturePath, 'utf8')) as Fixture;
        const obj = ours(src, name, flags);
        // Undefined symbols get the base address, as the fixture's --defsym did.
        const facts = elfFacts(obj);
        const undef = facts.symbols.filter((y) => / UND /.test(y) && !y.startsWith(' ')).map((y) => y.split(' ')[0]!).filter((n) => n !== '');
        const r = link2([{ name, bytes: obj }], { base: BASE, defsym: Object.fromEntries(undef.map((n) => [n, BASE])), entry: '0' });
        expect(r.errors).toEqual([]);
        expect(loaded(elfFacts(r.elf!, { linked: true }))).toEqual(loaded(fx.linkedNoRelax[mode]));
      });

      it.skipIf(!HAS_TOOLCHAIN)(`${name} (${mode}): objdump -dr and the GNU ld link agree (live)`, () => {
        const m = path.join(tmp, `${base}.${mode}.ours.o`);
        const g = path.join(tmp, `${base}.${mode}.gnu.o`);
        fs.writeFileSync(m, ours(src, name, flags));
        const r = run('riscv64-unknown-elf-as', ['-mabi=ilp32', ...flags, srcPath, '-o', g]);
        expect(r.status).toBe(0);
        const dump = (f: string): string => run('riscv64-unknown-elf-objdump', ['-dr', f]).stdout.split('\n').slice(2).join('\n');
        expect(dump(m)).toBe(dump(g));
        link(m, m + '.elf');
        link(g, g + '.elf');
        expect(elfFacts(fs.readFileSync(m + '.elf'), { linked: true })).toEqual(elfFacts(fs.readFileSync(g + '.elf'), { linked: true }));
      });

      it.skipIf(!HAS_TOOLCHAIN)(`${name} (${mode}): --gdwarf-5 line table equals GNU's (live)`, () => {
        const m = path.join(tmp, `${base}.${mode}.g.ours.o`);
        const g = path.join(tmp, `${base}.${mode}.g.gnu.o`);
        fs.writeFileSync(m, ours(src, name, [...flags, '--gdwarf-5']));
        const r = spawnSync('riscv64-unknown-elf-as', ['-mabi=ilp32', ...flags, '--gdwarf-5', name, '-o', g], { cwd: DIR, encoding: 'utf8' });
        expect(r.status).toBe(0);
        const lines = (f: string): string => run('riscv64-unknown-elf-readelf', ['--debug-dump=rawline', f]).stdout.split('\n').slice(2).join('\n');
        expect(lines(m)).toBe(lines(g));
        const a = elfFacts(fs.readFileSync(m)).sections, b = elfFacts(fs.readFileSync(g)).sections;
        expect(a['.debug_line']).toEqual(b['.debug_line']);
        expect(a['.debug_line_str']).toEqual(b['.debug_line_str']);
      });
    }
  }
});
