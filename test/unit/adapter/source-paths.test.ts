import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceResolver } from '../../../adapter/source-paths';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-src-'));
fs.mkdirSync(path.join(root, 'proj/src'), { recursive: true });
fs.mkdirSync(path.join(root, 'proj/build'), { recursive: true });
fs.writeFileSync(path.join(root, 'proj/src/main.c'), 'int main(void) { return 0; }\n');
const program = path.join(root, 'proj/build/main.elf');

describe('sourceResolver', () => {
  it('keeps a recorded path that exists', () => {
    const file = path.join(root, 'proj/src/main.c');
    expect(sourceResolver(program)(file)).toBe(file);
  });

  it('finds a file built elsewhere by its trailing components below the program\'s folder or a parent', () => {
    expect(sourceResolver(program)('/home/ci/checkout/proj/src/main.c')).toBe(path.join(root, 'proj/src/main.c'));
  });

  it('applies sourceFileMap first, longest prefix winning', () => {
    const resolve = sourceResolver(program, { '/b': '/x', '/b/src': path.join(root, 'proj/src') });
    expect(resolve('/b/src/main.c')).toBe(path.join(root, 'proj/src/main.c'));
    expect(resolve('/b/other.c')).toBe('/x/other.c');
  });

  it('leaves paths it cannot find, and relative ones, unchanged', () => {
    expect(sourceResolver(program)('/nowhere/at/all.c')).toBe('/nowhere/at/all.c');
    expect(sourceResolver(program)('rel/main.c')).toBe('rel/main.c');
  });
});

describe('sourceResolver with two copies', () => {
  it('prefers the copy beside the program over the recorded path of another checkout', () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-other-'));
    fs.mkdirSync(path.join(other, 'proj/src'), { recursive: true });
    fs.writeFileSync(path.join(other, 'proj/src/main.c'), '/* the build machine\'s copy */\n');
    expect(sourceResolver(program)(path.join(other, 'proj/src/main.c'))).toBe(path.join(root, 'proj/src/main.c'));
  });
});
