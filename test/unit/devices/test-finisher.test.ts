import { describe, expect, it } from 'vitest';
import { TestFinisher } from '../../../emulator/devices/test-finisher';
import { FakeControl } from './fakes';

function setup() {
  const control = new FakeControl();
  return { control, dev: new TestFinisher(control) };
}

describe('TestFinisher', () => {
  it('sits at the virt test slot', () => {
    const { dev } = setup();
    expect([dev.base, dev.size]).toEqual([0x10_0000, 0x1000]);
  });

  it('exits 0 on 0x5555 and on 0x7777 (reset, reported as exit 0)', () => {
    const { control, dev } = setup();
    dev.write(0, 4, 0x5555);
    dev.write(0, 4, 0x7777);
    dev.write(0, 2, 0x5555);
    expect(control.exits).toEqual([0, 0, 0]);
  });

  it('exits with the code in bits 31..16 on 0x3333', () => {
    const { control, dev } = setup();
    dev.write(0, 4, 0x3333 | (7 << 16));
    dev.write(0, 4, (0xffff << 16 | 0x3333) >>> 0);
    dev.write(0, 4, 0x3333);
    expect(control.exits).toEqual([7, 0xffff, 0]);
  });

  it('ignores other values and other offsets; reads 0', () => {
    const { control, dev } = setup();
    dev.write(0, 4, 0x1234);
    dev.write(0, 4, 0x5556);
    dev.write(4, 4, 0x5555);
    dev.write(2, 2, 0x5555);
    expect(control.exits).toEqual([]);
    expect([dev.read(0, 4), dev.read(2, 2), dev.read(0xffc, 4)]).toEqual([0, 0, 0]);
  });

  it('faults byte accesses like QEMU (valid sizes 2..4)', () => {
    const { dev } = setup();
    expect(dev.accepts(0, 1)).toBe(false);
    expect(dev.accepts(0, 2)).toBe(true);
    expect(dev.accepts(0xffc, 4)).toBe(true);
  });

  it('has no state', () => {
    const { dev } = setup();
    expect(dev.save()).toEqual({});
    dev.restore({});
    expect(() => dev.restore(7)).toThrow(/test/);
  });
});
