// Summarises a V8 .heapsnapshot by constructor: count and self bytes per (node type, name), largest first.
// Usage: npx tsx bench/lib/heap-census.ts <file.heapsnapshot> [top] [other.heapsnapshot]
// With two files it prints the growth from the first to the second, which names what grows with the input.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export type Census = Map<string, { count: number; bytes: number }>;

export function census(file: string): Census {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const out: Census = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const raw = snap.strings[snap.nodes[i + nameAt]!]!;
    const name = type === 'string' || type === 'concatenated string' || type === 'sliced string' ? '(string)' : raw.slice(0, 60);
    const key = `${type}:${name}`;
    const entry = out.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += snap.nodes[i + sizeAt]!;
    out.set(key, entry);
  }
  return out;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [first, topText, second] = process.argv.slice(2);
  const top = Number(topText ?? 25);
  const a = census(first!);
  const b = second ? census(second) : undefined;
  const rows = [...(b ?? a)].map(([key, v]) => {
    const base = b ? (a.get(key) ?? { count: 0, bytes: 0 }) : { count: 0, bytes: 0 };
    return { key, count: v.count - base.count, bytes: v.bytes - base.bytes };
  });
  rows.sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  console.log(`${b ? 'growth' : 'total'}: ${(total / 2 ** 20).toFixed(1)} MiB`);
  for (const r of rows.slice(0, top)) console.log(`${(r.bytes / 2 ** 20).toFixed(2).padStart(8)} MiB ${String(r.count).padStart(9)}  ${r.key}`);
}
