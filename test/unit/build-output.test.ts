// What ships: `npm run build` compiles tsconfig.build.json, which leaves out the simulator and the demo
// (they run from a clone through tsx), and copies the wallboard's static files into dist/wallboard,
// where the compiled route reads them. Checked from the config and the import graph (what tsc would
// compile: the config's files and everything they import), and from dist/ when a build is there.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { WALLBOARD_ASSET_DIR } from '../../src/http/routes/wallboard.js';
import { requirementMet } from '../helpers/requirements.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'dist');
const NOT_SHIPPED = ['src/sim/', 'src/demo/', 'src/cli/sim.ts', 'src/cli/demo.ts'];
const notShipped = (file: string) => NOT_SHIPPED.some((p) => file === p || file.startsWith(p));
const rel = (file: string) => relative(ROOT, file).split('\\').join('/');

/** The files tsc starts from for a config (its include minus its exclude), relative to the root. */
function configFiles(config: string): string[] {
  const read = ts.readConfigFile(join(ROOT, config), (p) => ts.sys.readFile(p));
  expect(read.error).toBeUndefined();
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT);
  expect(parsed.errors).toEqual([]);
  return parsed.fileNames.map(rel);
}

/** Every source file reachable from `entries` through static and dynamic relative imports. */
function importClosure(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...entries];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.ts')) continue;
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue; // node: and packages
      const target = rel(resolve(ROOT, dirname(file), fileName));
      const source = target.replace(/\.js$/, '.ts');
      const found = [source, target].find((f) => existsSync(join(ROOT, f)));
      expect(found, `${file} imports ${fileName}, which does not exist`).toBeDefined();
      queue.push(found!);
    }
  }
  return seen;
}

describe('the production build', () => {
  it('tsconfig.build.json leaves out the simulator, the demo and their programs', () => {
    const roots = configFiles('tsconfig.build.json');
    expect(roots).toContain('src/main.ts');
    expect(roots).toContain('src/cli/copy-store.ts');
    // the config check has teeth: the same folders are in the type-checked sources
    const everything = configFiles('tsconfig.json');
    for (const path of NOT_SHIPPED)
      expect(
        everything.some((f) => f.startsWith(path)),
        path,
      ).toBe(true);
    // what tsc compiles is the config's files and all they import: none of it is the simulator or demo
    const compiled = [...importClosure(roots)];
    expect(compiled.filter(notShipped)).toEqual([]);
  });

  it.each(['src/main.ts', 'src/cli/copy-store.ts'])('%s never imports the simulator or the demo', (entry) => {
    const reached = importClosure([entry]);
    expect([...reached].filter(notShipped)).toEqual([]);
    // the walk follows imports at all (else the check above would pass on nothing)
    expect(reached).toContain('src/config.ts');
    expect(reached.size).toBeGreaterThan(entry === 'src/main.ts' ? 100 : 10);
    if (entry === 'src/main.ts') expect(reached).toContain('src/http/routes/wallboard.ts');
  });

  it('the demo and the simulator do import them (so the checks above would see it)', () => {
    expect([...importClosure(['src/cli/demo.ts'])].filter(notShipped)).toContain('src/sim/start.ts');
  });

  it('npm run build copies the wallboard files after compiling', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      main: string;
    };
    const script = readFileSync(join(ROOT, pkg.scripts['build']!.replace(/^node /, '')), 'utf8');
    expect(script).toContain('tsconfig.build.json');
    expect(script).toMatch(/cpSync\(join\(root, 'src', 'wallboard'\), join\(dist, 'wallboard'\)/);
    expect(pkg.main).toBe('dist/main.js');
    expect(pkg.scripts['demo']).toBe('tsx src/cli/demo.ts');
    expect(pkg.scripts['sim']).toBe('tsx src/cli/sim.ts');
  });
});

describe('the wallboard files', () => {
  const files = readdirSync(join(ROOT, 'src/wallboard')).sort();

  it('the route reads them from src/wallboard when running the TypeScript', () => {
    expect(fileURLToPath(WALLBOARD_ASSET_DIR)).toBe(join(ROOT, 'src/wallboard') + '/');
    expect(files).toEqual(expect.arrayContaining(['index.html', 'wallboard.css', 'wallboard.js']));
  });

  // .ci/run builds before it tests; elsewhere only when a build is there
  const built = requirementMet(
    'the dist/ checks',
    existsSync(join(DIST, 'main.js')),
    'no build (npm run build)',
  );
  it.runIf(built)(
    'the compiled route reads them from dist/wallboard, and dist/ has no simulator or demo',
    async () => {
      const compiled = join(DIST, 'http/routes/wallboard.js');
      const { WALLBOARD_ASSET_DIR: distDir } = (await import(pathToFileURL(compiled).href)) as {
        WALLBOARD_ASSET_DIR: URL;
      };
      expect(fileURLToPath(distDir)).toBe(join(DIST, 'wallboard') + '/');
      const shipped = readdirSync(distDir).sort();
      expect(shipped, 'dist/ is older than this build step: run npm run build').toEqual(files);
      for (const name of files)
        expect(readFileSync(new URL(name, distDir), 'utf8')).toBe(
          readFileSync(join(ROOT, 'src/wallboard', name), 'utf8'),
        );
      for (const gone of ['sim', 'demo', 'cli/sim.js', 'cli/demo.js'])
        expect(existsSync(join(DIST, gone)), `dist/${gone}`).toBe(false);
    },
  );
});
