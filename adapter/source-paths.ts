/**
 * Where a program's sources are on this machine. DWARF records the paths of the build; a program
 * built elsewhere (a committed example, a CI artefact, another checkout) names files that are not
 * here, or are another copy. We try, in order: the launch configuration's `sourceFileMap` prefixes;
 * the recorded path's trailing components, longest first, below the program's folder and each of
 * its parents (so /build/proj/src/a.c is found as <checkout>/src/a.c, and a local build finds its
 * own path); and last the recorded path as it is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function sourceResolver(program: string, sourceFileMap: Record<string, string> = {}): (file: string) => string {
  const bases: string[] = [];
  // The program's folder and its parents, without the file-system root: a match there would be the
  // recorded path itself, which is the last resort, not the first.
  for (let d = path.dirname(path.resolve(program)); path.dirname(d) !== d; d = path.dirname(d)) bases.push(d);
  const prefixes = Object.entries(sourceFileMap).sort((a, b) => b[0].length - a[0].length);
  return (file) => {
    for (const [from, to] of prefixes) {
      if (file.startsWith(from)) return path.join(to, file.slice(from.length));
    }
    if (!path.isAbsolute(file)) return file;
    const recorded = path.resolve(file);
    const recordedExists = fs.existsSync(recorded);
    const parts = file.split(/[\\/]+/).filter((p) => p !== '');
    // With the recorded file present, a bare file name is too weak a match to prefer over it.
    const shortest = recordedExists ? 2 : 1;
    for (let k = 0; parts.length - k >= shortest; k++) {
      const suffix = parts.slice(k).join(path.sep);
      for (const base of bases) {
        const candidate = path.join(base, suffix);
        if (candidate !== recorded && fs.existsSync(candidate)) return candidate;
      }
    }
    return file;
  };
}
