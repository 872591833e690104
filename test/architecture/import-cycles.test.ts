import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../harness/temp';

/**
 * No import cycles in src/, type-only imports included: a cycle means two modules are one module
 * in two files, and whichever loads first sees the other half-made. The graph is read with the
 * TypeScript compiler's own scanner and resolver (every `import`, `import type`, `export ... from`,
 * `import()` and `require`), so what it sees is what the compiler sees.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
const OPTIONS: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, resolveJsonModule: true, allowJs: true };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(entry.name) ? [path] : [];
  });
}

/** Each file of src/ and the files of src/ it imports. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const inSrc = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set<string>();
    for (const { fileName } of importedFiles) {
      const resolved = ts.resolveModuleName(fileName, file, OPTIONS, ts.sys).resolvedModule?.resolvedFileName;
      if (resolved && inSrc.has(resolved)) targets.add(resolved);
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

/** The strongly connected components with more than one file (or a file importing itself): Tarjan's algorithm. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** One loop through a component, as people read it: a -> b -> a. */
function loopThrough(component: readonly string[], graph: ReadonlyMap<string, readonly string[]>): string[] {
  const members = new Set(component);
  const start = component[0]!;
  // Breadth-first from start back to start, inside the component: the shortest loop.
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of graph.get(node) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

describe('the import graph of src/', () => {
  it('has no cycles, type-only imports included', () => {
    const graph = importGraph(sourceFiles(SRC));
    const name = (file: string): string => relative(SRC, file).replace(/\.(ts|tsx|mts)$/, '');
    const found = cycles(graph).map((component) => `${component.map(name).join(', ')} (one loop: ${loopThrough(component, graph).map(name).join(' -> ')})`);
    expect(found).toEqual([]);
  });

  it('sees type-only imports, re-exports and import() types, and reports each loop once', async () => {
    const dir = await tempDir();
    try {
      await writeFile(dir.file('a.ts'), "import type { B } from './b';\nexport type A = B;\n");
      await writeFile(dir.file('b.ts'), "export type { C as B } from './c';\n");
      await writeFile(dir.file('c.ts'), "export type C = import('./a').A | number;\n");
      await writeFile(dir.file('d.ts'), "import { type A } from './a';\nexport const d: A | undefined = undefined;\n");
      const files = ['a.ts', 'b.ts', 'c.ts', 'd.ts'].map(dir.file);
      const graph = importGraph(files);
      expect(cycles(graph)).toEqual([files.slice(0, 3)]);
      expect(loopThrough(files.slice(0, 3), graph)).toEqual([...files.slice(0, 3), files[0]]);
      await writeFile(dir.file('c.ts'), 'export type C = number;\n');
      expect(cycles(importGraph(files))).toEqual([]);
    } finally {
      await dir.cleanup();
    }
  });
});
