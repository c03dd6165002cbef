/**
 * adapter/history.ts: checkpoints plus replay reach any past instant exactly (compared with a
 * straight run of a fresh machine), output is sent once however often the past is re-executed, and
 * checkpoints stay within their bounds with the start kept.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Machine } from '../../../emulator/api';
import { History } from '../../../adapter/history';
import { loadProgram } from '../../../adapter/load-program';

const ROOT = path.resolve(__dirname, '../../..');

function machineOf(name: string, harts = 1): Machine {
  return loadProgram({ program: path.join(ROOT, 'test/programs', `${name}.elf`), harts }).target.machine;
}

/** What must be equal at the same instant: registers, pc, privilege, time, a sample of RAM. */
function fingerprint(m: Machine): string {
  const ram = Array.from(m.readPhys(0x80000000, 0x4000)).reduce((a, b) => (Math.imul(a, 31) + b) | 0, 7);
  return JSON.stringify({ t: m.instret, mtime: String(m.mtime()), harts: m.harts.map((h) => [h.pc, h.priv, Array.from(h.x.subarray(0, 32))]), ram });
}

function straight(name: string, t: number, harts = 1): string {
  const m = machineOf(name, harts);
  while (m.instret < t) {
    const r = m.run(t - m.instret);
    if (r.kind === 'exit' || r.kind === 'fault') break;
  }
  return fingerprint(m);
}

describe('reverse execution: History', () => {
  for (const [name, harts] of [['timer', 1], ['smode', 1], ['atomics_smp', 2]] as const) {
    it(`${name}: travels to past instants exactly (timer interrupts, devices, ${harts} hart${harts > 1 ? 's' : ''}), output sent once`, () => {
      const m = machineOf(name, harts);
      let out = '';
      m.onOutput = (b) => { out += Buffer.from(b).toString('latin1'); };
      const h = new History(m, { interval: 3000, fine: 700, maxCheckpoints: 12 });
      // Forward in uneven slices, as run control does, up to just before the end.
      const reference = machineOf(name, harts);
      let refOut = '';
      reference.onOutput = (b) => { refOut += Buffer.from(b).toString('latin1'); };
      expect(reference.run(1e8).kind).toBe('exit');
      const end = reference.instret;
      const stopAt = end - 5;
      for (let k = 1; m.instret < stopAt; k++) {
        h.afterRun();
        m.run(Math.min(997 * (k % 7 + 1), stopAt - m.instret));
      }
      expect(h.checkpoints.length).toBeLessThanOrEqual(12);
      expect(h.checkpoints[0]).toBe(0);
      // Jump around the past; each instant equals a straight run to it.
      for (const t of [Math.floor(end / 3), 17, Math.floor(end / 2), end - 6, 1, 0]) {
        h.travel(t);
        expect(fingerprint(m)).toBe(straight(name, t, harts));
      }
      // From a middle instant on to the end: all output exactly once.
      h.travel(Math.floor(end / 2));
      expect(m.run(1e8).kind).toBe('exit');
      expect(m.instret).toBe(end);
      expect(out).toBe(refOut);
    });
  }

  it('an edit changes the future from there on; going back before it undoes it', () => {
    const m = machineOf('hello');
    const h = new History(m, { interval: 2000, fine: 500 });
    m.run(5000);
    h.afterRun();
    const before = fingerprint(m);
    m.setReg(0, 5, 0x1234);
    h.edited();
    const edited = fingerprint(m);
    m.run(3000);
    h.travel(5000);
    expect(fingerprint(m)).toBe(edited);
    h.travel(4999);
    m.run(1);
    expect(fingerprint(m)).toBe(before);
  });
});
