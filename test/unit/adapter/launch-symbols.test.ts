/** Launch attribute `symbols` (guest ELFs by VMID): checks and the messages that name the fault. */
import { describe, expect, it } from 'vitest';
import { validateLaunch } from '../../../adapter/launch-config';

describe('validateLaunch: symbols', () => {
  it('passes guest ELFs with their VMIDs through', () => {
    const symbols = [{ program: 'guest-a.elf', vmid: 1 }, { program: 'guest-b.elf', vmid: 2 }];
    expect(validateLaunch({ program: 'hv.elf', symbols })).toEqual({ program: 'hv.elf', symbols });
  });

  it.each([
    [{ symbols: 'guest-a.elf' }, /'symbols' must be a list/],
    [{ symbols: [null] }, /'symbols'\[0\] must be an object/],
    [{ symbols: [{ vmid: 1 }] }, /'symbols'\[0\]\.program must be the path/],
    [{ symbols: [{ program: 'a.elf', vmid: 128 }] }, /'symbols'\[0\]\.vmid must be a whole number from 0 to 127/],
    [{ symbols: [{ program: 'a.elf', vmid: 1 }, { program: 'b.elf', vmid: 1 }] }, /VMID 1 appears twice/],
  ])('names the fault: %j', (raw, message) => {
    const r = validateLaunch({ program: 'hv.elf', ...raw } as Record<string, unknown>);
    expect(typeof r).toBe('string');
    expect(r).toMatch(message);
  });
});
