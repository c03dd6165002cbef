/**
 * The `vmscope` debugger contribution of package.json (launch schema, initial configurations,
 * snippets), defined once here and typed against the adapter's LaunchArguments, as vscode-js-debug
 * does: a launch attribute added to adapter/launch-config.ts without a schema entry here (or one
 * with the wrong JSON type) fails the type check. `node scripts/package.mjs --manifest` writes it
 * into package.json; test/ui/manifest.test.ts fails when package.json is out of step.
 *
 * Pure data: no 'vscode' import, so the build script and the tests can load it.
 */
import type { LaunchArguments } from '../adapter/launch-config';

/** The JSON-schema type that matches a TypeScript attribute type. */
type JsonType<T> = T extends string ? 'string' : T extends boolean ? 'boolean' : T extends number ? 'integer' | 'number' : T extends readonly unknown[] ? 'array' : T extends object ? 'object' : never;

interface Property<T> {
  /** A list for attributes of more than one JSON type (e.g. `caches`: true or an object). */
  type: JsonType<T> | JsonType<T>[];
  /** Shown on hover and in completion; says what the value does and what is valid. */
  markdownDescription: string;
  default?: T;
  minimum?: number;
  maximum?: number;
  examples?: T[];
  /** For object-valued attributes: the schema of each value. */
  additionalProperties?: { type: 'string' };
  /** For list-valued attributes: the schema of each element. */
  items?: Record<string, unknown>;
}

/** Every attribute of LaunchArguments, no more, no less. */
export const launchProperties: { [K in keyof Required<LaunchArguments>]: Property<Required<LaunchArguments>[K]> } = {
  program: {
    type: 'string',
    markdownDescription: 'Path of the RV32 ELF program to run (a bare-metal program for QEMU\'s `virt` board). Relative paths resolve against `cwd`. Build with `-g` for source breakpoints and stepping.',
    default: '${workspaceFolder}/hello.elf',
  },
  cwd: {
    type: 'string',
    markdownDescription: 'Folder that a relative `program` path resolves against.',
    default: '${workspaceFolder}',
  },
  stopOnEntry: {
    type: 'boolean',
    markdownDescription: 'Stop before the first instruction (at the ELF entry point) instead of running to the first breakpoint.',
    default: false,
  },
  harts: {
    type: 'integer',
    markdownDescription: 'Number of harts (hardware threads, shown as threads in the Call Stack view), 1 to 8. All start at the ELF entry.',
    default: 1,
    minimum: 1,
    maximum: 8,
  },
  ramMiB: {
    type: 'integer',
    markdownDescription: 'RAM size in MiB, mapped at `0x80000000`, 1 to 2048. RAM is allocated lazily, so a large value costs nothing until used.',
    default: 128,
    minimum: 1,
    maximum: 2048,
  },
  isa: {
    type: 'string',
    markdownDescription: 'ISA string selecting the extensions the machine offers (and so `misa`), e.g. `rv32imac_zicsr_zicntr`; Zicsr and Zifencei are implied. Default: everything the machine has.',
    examples: ['rv32imac_zicsr_zicntr', 'rv32imac_zicsr_zifencei_zicntr_zicbom'],
  },
  maxInstructions: {
    type: 'integer',
    markdownDescription: 'End the session after this many instructions (a guard against programs that never exit). Default: no limit.',
    minimum: 1,
  },
  sourceFileMap: {
    type: 'object',
    markdownDescription: 'Where the sources are when the program was built elsewhere: build-path prefixes as the debug information records them, mapped to local folders, e.g. `{ "/build/src": "${workspaceFolder}/src" }`. Without it, vmscope looks for each recorded path\'s trailing components below the program\'s folder and its parents.',
    additionalProperties: { type: 'string' },
  },
  symbols: {
    type: 'array',
    markdownDescription: 'Symbols and DWARF of guests (hypervisor debugging): ELF files of code that runs in VS/VU-mode, each bound to the VMID it runs with (`hgatp.VMID`). While a hart runs with V=1 and that VMID, stacks, source lines and expressions use that guest\'s symbols. Breakpoints in the guest\'s source files and on its functions stop only in that VMID (`1:main` names guest 1\'s `main`); the main program\'s stop in the host (V=0) and in guests that have no entry here. Conditions can test `vmid`, `host` and `guest` (`vmid == 2 && a0 == 3`). Relative paths resolve against `cwd`.',
    default: [],
    examples: [[{ program: '${workspaceFolder}/guest-a.elf', vmid: 1 }, { program: '${workspaceFolder}/guest-b.elf', vmid: 2 }]],
    items: {
      type: 'object',
      required: ['program', 'vmid'],
      properties: {
        program: { type: 'string', description: 'Path of the guest ELF (linked at its guest addresses).' },
        vmid: { type: 'integer', minimum: 0, maximum: 127, description: 'The VMID the guest runs with (hgatp.VMID).' },
      },
    },
  },
  caches: {
    type: ['boolean', 'object'] as JsonType<boolean | object>[],
    markdownDescription: 'The ASID-tagged cache model: L1I and L1D per hart and a shared LLC, lines tagged (physical address, ASID, enc), statistics per ASID; shown by **vmscope: Open Cache View**. `true` for the defaults (32 KiB 8-way L1s, 1 MiB 16-way LLC, 64-byte lines, LRU), or an object choosing `l1i`, `l1d`, `llc` (`{ "sets", "ways", "line" }`), `replacement` (`lru`, `plru`, `random`) and `seed`. Costs speed: every access goes through the model.',
    default: true,
    examples: [true, { l1d: { sets: 16, ways: 4 }, llc: { sets: 256, ways: 8 }, replacement: 'lru' }],
  },
  config: {
    type: 'string',
    markdownDescription: 'Path of a machine configuration file (`*.vmscope.json`: harts, RAM, ISA, timing, caches; the editor completes it from vmscope\'s schema), relative to `cwd`. The inline attributes `harts`, `ramMiB`, `isa` and `caches` override the file. The same file works with `vmscope run --config FILE`.',
    examples: ['${workspaceFolder}/machine.vmscope.json'],
  },
};

export const requiredLaunchProperties: (keyof LaunchArguments)[] = ['program'];

/** What "Add Configuration..." writes into a new launch.json. */
export const initialConfigurations = [
  {
    type: 'vmscope',
    request: 'launch',
    name: 'vmscope: run program',
    program: '${workspaceFolder}/hello.elf',
  },
];

export const configurationSnippets = [
  {
    label: 'vmscope: launch an RV32 ELF',
    description: 'Run a bare-metal RISC-V program on the vmscope machine',
    body: { type: 'vmscope', request: 'launch', name: 'vmscope: ${1:program}', program: '^"\\${workspaceFolder}/${1:program}.elf"' },
  },
  {
    label: 'vmscope: launch and stop on entry',
    description: 'Stop at the first instruction of a RISC-V program',
    body: { type: 'vmscope', request: 'launch', name: 'vmscope: ${1:program} (stop on entry)', program: '^"\\${workspaceFolder}/${1:program}.elf"', stopOnEntry: true },
  },
];

/** The `contributes.debuggers` entry of package.json. */
export function debuggerContribution() {
  return {
    type: 'vmscope',
    label: 'vmscope (RISC-V)',
    languages: ['riscv-asm', 'c'],
    configurationAttributes: {
      launch: { required: requiredLaunchProperties, properties: launchProperties },
    },
    initialConfigurations,
    configurationSnippets,
  };
}
