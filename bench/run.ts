// Runs every bench/*.bench.ts (or those named on the command line), prints a table, writes JSON.
import { readdir, writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import os from 'node:os';
import type { BenchModule, BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));

const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();
const selected = only.length ? files.filter((f) => only.some((o) => f.startsWith(o))) : files;
const results: BenchResult[] = [];
for (const file of selected) {
  process.stderr.write(`running ${file}...\n`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
  results.push(...(await mod.run({ quick })));
}

const rows = results.map((r) => [r.id, r.name, `${round(r.value)} ${r.unit}`, r.target ?? '', r.pass === undefined ? '' : r.pass ? 'yes' : 'NO']);
const head = ['id', 'benchmark', 'value', 'target', 'met'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));

await mkdir(join(here, 'results'), { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const out = join(here, 'results', `bench-${stamp}.json`);
const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
await writeFile(out, JSON.stringify({ at: new Date().toISOString(), machine, results }, null, 2));
console.log(`\nwrote ${out}`);

function round(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3);
}
