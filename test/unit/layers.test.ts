// The layering of src/ (DESIGN.md "The shape"; issue 14): read every relative import and export-from,
// type-only ones too, and check that no files import each other in a cycle, that each folder imports
// only the layers below it that its row names, and that http/ never talks ESL.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Everything the daemon is made of, below config.ts. */
const PRODUCT = [
  'log.ts',
  'domain/',
  'esl/',
  'store/',
  'net/',
  'state/',
  'control/',
  'fsconfig/',
  'ws/',
  'metrics/',
  'health.ts',
  'http/',
];

/**
 * The rank table, lowest first: a layer (a folder, or a file directly in src/) may import files of its
 * own folder and of the layers its row names, each of which must stand above it in this table.
 */
const LAYERS: ReadonlyArray<readonly [layer: string, mayImport: readonly string[]]> = [
  ['log.ts', []],
  ['domain/', []],
  ['sim/', ['log.ts']],
  ['esl/', ['log.ts', 'domain/']],
  ['store/', ['log.ts', 'domain/']],
  ['net/', ['log.ts', 'domain/']],
  ['state/', ['log.ts', 'domain/', 'esl/']],
  ['control/', ['log.ts', 'domain/', 'esl/', 'store/', 'state/']],
  ['fsconfig/', ['log.ts', 'domain/', 'store/', 'net/']],
  ['ws/', ['log.ts', 'domain/', 'store/', 'state/']],
  ['metrics/', ['log.ts', 'esl/', 'net/', 'state/', 'ws/']],
  ['health.ts', ['log.ts', 'esl/', 'store/', 'state/']],
  ['http/', ['log.ts', 'domain/', 'store/', 'net/', 'state/', 'control/', 'ws/', 'metrics/']],
  ['config.ts', PRODUCT],
  ['daemon.ts', [...PRODUCT, 'config.ts']],
  ['main.ts', [...PRODUCT, 'config.ts', 'daemon.ts']],
  ['demo/', [...PRODUCT, 'config.ts', 'daemon.ts', 'sim/']],
  ['cli/', [...PRODUCT, 'config.ts', 'daemon.ts', 'sim/', 'demo/']],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** File (relative to src/) → the files it imports, `.js` specifiers read as their `.ts` sources. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const targets = new Set<string>();
    // TypeScript's own scanner: import/export … from, `import type`, `import '…'` and `import('…')`.
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles)
      if (fileName.startsWith('.'))
        targets.add(relative(SRC, resolve(dirname(file), fileName)).replace(/\.js$/, '.ts'));
    graph.set(relative(SRC, file), [...targets].sort());
  }
  return graph;
}

/** `http/routes/calls.ts` → `http/`; `config.ts` → `config.ts`. */
const layerOf = (file: string): string => (file.includes('/') ? `${file.split('/')[0]}/` : file);

/** Tarjan's strongly connected components with more than one file (or a file importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** One shortest cycle through the component's first file, as `a.ts → b.ts → a.ts`. */
function cyclePath(graph: Map<string, string[]>, component: readonly string[]): string {
  const members = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w) || previous.has(w)) continue;
      previous.set(w, v);
      if (w === start) {
        const path = [start];
        for (let at = v; at !== start; at = previous.get(at)!) path.unshift(at);
        return [start, ...path].join(' → ');
      }
      queue.push(w);
    }
  }
  return component.join(', ');
}

describe('layers of src/', () => {
  const graph = importGraph();
  const edges = [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));

  it('the rank table is ordered: every layer imports only layers above it in the table', () => {
    const seen = new Set<string>();
    const upward: string[] = [];
    for (const [layer, mayImport] of LAYERS) {
      for (const lower of mayImport) if (!seen.has(lower)) upward.push(`${layer} → ${lower}`);
      seen.add(layer);
    }
    expect(upward).toEqual([]);
    expect(edges.length).toBeGreaterThan(500);
  });

  it('no import cycles', () => {
    const found = cycles(graph).map((component) => {
      const path = cyclePath(graph, component);
      return component.length > 2 ? `${path}  (${component.length} files: ${component.join(', ')})` : path;
    });
    expect(found).toEqual([]);
  });

  it('every import between folders goes down the rank table', () => {
    const rows = new Map(LAYERS);
    const offending = edges
      .filter(({ from, to }) => {
        const a = layerOf(from);
        const b = layerOf(to);
        return a !== b && !(rows.get(a) ?? []).includes(b);
      })
      .map(({ from, to }) => `${from} → ${to}`);
    expect(offending).toEqual([]);
  });

  it('nothing in http/ imports esl/', () => {
    const offending = edges
      .filter(({ from, to }) => from.startsWith('http/') && to.startsWith('esl/'))
      .map(({ from, to }) => `${from} → ${to}`);
    expect(offending).toEqual([]);
  });
});
