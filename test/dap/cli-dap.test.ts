/** `vmscope dap`: the same adapter over stdio from the command line. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers';

function frame(seq: number, command: string, args: object): string {
  const json = JSON.stringify({ type: 'request', seq, command, arguments: args });
  return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
}

describe('vmscope dap', () => {
  it('answers initialize over stdin/stdout with the adapter capabilities', async () => {
    const p = spawn(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'dap'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    const got = new Promise<Record<string, unknown>>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no initialize response; got ${out}`)), 10_000);
      p.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /Content-Length: (\d+)\r\n\r\n/.exec(out);
        if (m && out.length >= m.index + m[0].length + Number(m[1])) {
          clearTimeout(t);
          resolve(JSON.parse(out.slice(m.index + m[0].length, m.index + m[0].length + Number(m[1]))));
        }
      });
    });
    p.stdin.write(frame(1, 'initialize', { adapterID: 'vmscope', pathFormat: 'path', linesStartAt1: true }));
    const r = await got;
    p.kill();
    expect(r.command).toBe('initialize');
    expect(r.success).toBe(true);
    expect((r.body as Record<string, unknown>).supportsDisassembleRequest).toBe(true);
  });
});
