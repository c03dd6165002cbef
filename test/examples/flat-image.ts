/** Test helper: a guest ELF as the cvm hypervisors embed it. */
import type { ElfImage } from '../../emulator/api';

/** The image as `objcopy -O binary` makes it (what hv/start.S embeds with .incbin). */
export function flatImage(image: ElfImage): Uint8Array {
  const segs = image.segments.filter((s) => s.data.length > 0);
  const base = Math.min(...segs.map((s) => s.paddr));
  const end = Math.max(...segs.map((s) => s.paddr + s.data.length));
  const flat = new Uint8Array(end - base);
  for (const s of segs) flat.set(s.data, s.paddr - base);
  return flat;
}
