/** The `vmscope` command line: dispatches to one module per subcommand. */
import * as fs from 'node:fs';
import { EXIT } from './exit-codes';
import { VmscopeSession } from '../session';
import { asCommand, AS_USAGE } from './as';
import { chipKeyCommand, CHIP_KEY_USAGE } from './chip-key';
import { linkCommand, LINK_USAGE } from './link';
import { lspCommand } from './lsp';
import { objdumpCommand } from './objdump';
import { runCommand, RUN_USAGE } from './run';
import { verifyReportCommand, VERIFY_REPORT_USAGE } from './verify-report';

const USAGE = `vmscope: debug and visualize virtual machines on an emulated RISC-V machine

usage: vmscope <command> [arguments]
  run FILE.elf [options]   run a bare-metal RV32 program on the emulated QEMU-virt machine
  objdump FILE.elf         disassemble, as riscv64-unknown-elf-objdump -d prints it
  as FILE.S -o FILE.o      assemble (GNU as syntax and output)
  link A.o B.o -o X.elf    link objects as GNU ld's default script lays them out
  dap                      the debug adapter (Debug Adapter Protocol) over stdin/stdout
  lsp --stdio              the RISC-V assembly language server (Language Server Protocol) over stdin/stdout
  verify-report R.bin      check a secure-processor attestation report (--chip-key KEY.pem)
  chip-key --seed N        print the chip's public key (PEM) for machine seed N
  help                     this text

${RUN_USAGE}

${AS_USAGE}

${LINK_USAGE}

${VERIFY_REPORT_USAGE}

${CHIP_KEY_USAGE}`;

/**
 * Guest output, written through in lines: whole lines keep the number of system calls low, and a
 * line appears as soon as the guest finishes it.
 */
class LineOut {
  private parts: Uint8Array[] = [];
  private size = 0;
  write(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
    if (this.size >= 4096 || b.includes(10)) this.flush();
  }
  flush(): void {
    if (this.size === 0) return;
    process.stdout.write(Buffer.concat(this.parts, this.size));
    this.parts = [];
    this.size = 0;
  }
}

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  const err = (line: string) => process.stderr.write(line + '\n');
  switch (command) {
    case 'run': {
      const out = new LineOut();
      try {
        return runCommand(rest, { out: (b) => out.write(b), err });
      } finally {
        out.flush();
      }
    }
    case 'objdump':
      return objdumpCommand(rest, { readFile: (p) => fs.readFileSync(p), out: (s) => process.stdout.write(s), err });
    case 'as':
      return asCommand(rest, {
        readFile: (p) => fs.readFileSync(p), writeFile: (p, d) => fs.writeFileSync(p, d), exists: fs.existsSync,
        cwd: process.cwd(), out: (s) => process.stdout.write(s), err,
      });
    case 'link':
      return linkCommand(rest, { readFile: (p) => fs.readFileSync(p), writeFile: (p, d) => fs.writeFileSync(p, d), out: (s) => process.stdout.write(s), err });
    case 'dap': {
      // The session keeps the process alive through stdin; the launch request names the program.
      if (rest.length > 0) {
        err(`vmscope dap: takes no arguments (the program comes with the launch request), got '${rest.join(' ')}'`);
        return EXIT.usage;
      }
      new VmscopeSession().start(process.stdin, process.stdout);
      return 0;
    }
    case 'lsp':
      // Like dap: the server keeps the process alive through stdin.
      return lspCommand(rest, err);
    case 'verify-report':
      return verifyReportCommand(rest, { readFile: (p) => fs.readFileSync(p), out: (s) => process.stdout.write(s), err });
    case 'chip-key':
      return chipKeyCommand(rest, { writeFile: (p, d) => fs.writeFileSync(p, d), out: (s) => process.stdout.write(s), err });
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return 0;
    case undefined:
      err(USAGE);
      return EXIT.usage;
    default:
      err(`vmscope: unknown command '${command}' (commands: run, objdump, as, link, dap, lsp, verify-report, chip-key, help)`);
      return EXIT.usage;
  }
}

// A reader that goes away (`vmscope run x.elf | head`) is not an error of ours: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  // One line for the user; the stack only on request, so scripts can still parse stderr.
  const detail = process.env.VMSCOPE_DEBUG ? `\n${(e as Error).stack}` : ' (set VMSCOPE_DEBUG=1 to see where)';
  process.stderr.write(`vmscope: internal error: ${(e as Error).message ?? String(e)}${detail}\n`);
  process.exitCode = EXIT.emulatorFault;
}
