// Summarises a V8 .cpuprofile (node --cpu-prof): self time by module (our src files, each npm package, node internals)
// and the top functions. `npx tsx bench/lib/cpu-profile.ts <file.cpuprofile> [top]` prints both.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Share {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  byModule: Share[];
  byFunction: Share[];
  /** Our code (src/), npm packages, Node's own JavaScript, the garbage collector, the rest (native, idle, program). */
  byKind: Share[];
}

export function kindOf(module: string): string {
  if (module.startsWith('src/')) return 'connector src/';
  if (module.startsWith('npm:')) return 'npm packages';
  if (module.startsWith('node:')) return 'node internals (JS)';
  if (module === '(garbage collector)') return 'garbage collector';
  return 'native, idle, program';
}

/** Where a frame's code lives: `src/<path>`, `npm:<package>`, `node:<internal>`, or V8's pseudo-frames. */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return `npm:${packageMatch[1]}`;
  const ours = /\/dist\/(src\/.*)\.js$/.exec(url) ?? /\/(src\/.*)\.ts$/.exec(url);
  if (ours) return ours[1]!;
  if (url.startsWith('node:')) return url.replace(/^node:internal\//, 'node:').replace(/\/.*$/, '');
  return url;
}

export function summarise(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  const kinds = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    totalUs += us;
    const module = moduleOf(frame.url, frame.functionName);
    modules.set(module, (modules.get(module) ?? 0) + us);
    kinds.set(kindOf(module), (kinds.get(kindOf(module)) ?? 0) + us);
    const fn = `${frame.functionName || '(anonymous)'} ${module}:${frame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const rank = (m: Map<string, number>): Share[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), percent: Number(((100 * us) / totalUs).toFixed(1)) }));
  return { totalMs: Math.round(totalUs / 1000), byModule: rank(modules), byFunction: rank(functions), byKind: rank(kinds) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/lib/cpu-profile.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  const summary = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(top ?? 20));
  console.log(`total sampled: ${summary.totalMs} ms\n\nself time by kind:`);
  for (const s of summary.byKind) console.log(`  ${String(s.percent).padStart(5)} %  ${String(s.ms).padStart(6)} ms  ${s.name}`);
  console.log('\nself time by module:');
  for (const s of summary.byModule) console.log(`  ${String(s.percent).padStart(5)} %  ${String(s.ms).padStart(6)} ms  ${s.name}`);
  console.log('\nself time by function:');
  for (const s of summary.byFunction) console.log(`  ${String(s.percent).padStart(5)} %  ${String(s.ms).padStart(6)} ms  ${s.name}`);
}
