/**
 * `npm run bench`: runs every bench/*.ts module that exports a `bench*` function, prints one table
 * (name, value, unit) and writes bench/results/latest.json.
 *
 * A bench function returns rows `{ name, value, unit }`, or a record whose keys carry the unit in
 * a trailing parenthesis: `{ 'player pull (ns/frame)': 120 }`.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { basename, join } from 'node:path';
import os from 'node:os';

interface Row {
  module: string;
  name: string;
  value: number | string;
  unit: string;
}

type BenchOutput = Array<{ name: string; value: number | string; unit?: string }> | Record<string, number | string>;

const here = fileURLToPath(new URL('.', import.meta.url));

function normalise(module: string, output: BenchOutput): Row[] {
  if (Array.isArray(output)) return output.map((r) => ({ module, name: r.name, value: r.value, unit: r.unit ?? '' }));
  return Object.entries(output).map(([key, value]) => {
    const match = /^(.*?)\s*\(([^()]*)\)$/.exec(key);
    return match ? { module, name: match[1]!, value, unit: match[2]! } : { module, name: key, value, unit: '' };
  });
}

function table(rows: Row[]): string {
  const head = { module: 'module', name: 'name', value: 'value', unit: 'unit' };
  const cells = [head, ...rows.map((r) => ({ module: r.module, name: r.name, value: String(r.value), unit: r.unit }))];
  const width = (k: keyof typeof head) => Math.max(...cells.map((c) => c[k].length));
  const w = { module: width('module'), name: width('name'), value: width('value'), unit: width('unit') };
  const line = (c: typeof head) => `${c.module.padEnd(w.module)}  ${c.name.padEnd(w.name)}  ${c.value.padStart(w.value)}  ${c.unit}`;
  return [line(head), '-'.repeat(w.module + w.name + w.value + w.unit + 6), ...cells.slice(1).map(line)].join('\n');
}

async function main(): Promise<number> {
  // `npm run bench -- engine soak` runs only those modules; no arguments runs them all.
  const only = new Set(process.argv.slice(2));
  const files = (await readdir(here))
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && (only.size === 0 || only.has(basename(f, '.ts'))))
    .sort();
  const rows: Row[] = [];
  const failures: string[] = [];
  for (const file of files) {
    const module = basename(file, '.ts');
    const exports = (await import(pathToFileURL(join(here, file)).href)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(exports)) {
      if (!/^bench[A-Z]/.test(name) || typeof fn !== 'function') continue;
      process.stderr.write(`running ${module}.${name}…\n`);
      const started = performance.now();
      try {
        rows.push(...normalise(module, (await (fn as () => Promise<BenchOutput> | BenchOutput)()) ?? []));
      } catch (error) {
        failures.push(`${module}.${name}: ${(error as Error).message}`);
      }
      process.stderr.write(`  ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
  }
  console.log(table(rows));
  for (const f of failures) console.error(`FAILED ${f}`);
  const out = join(here, 'results');
  await mkdir(out, { recursive: true });
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    gc: typeof (globalThis as { gc?: unknown }).gc === 'function',
    results: rows,
    failures,
  };
  await writeFile(join(out, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  return failures.length ? 1 : 0;
}

process.exitCode = await main();
