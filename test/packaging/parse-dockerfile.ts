// A small Dockerfile parser for the packaging tests: instructions grouped by stage, continuations joined.

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  /** The image after FROM, with global ARG defaults substituted. */
  base: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  globalArgs: Record<string, string>;
  stages: Stage[];
}

/** Joins `\` continuations and drops comment and blank lines, as Docker does (comments inside a continuation too). */
export function logicalLines(text: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  let pending: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && !pending)) return;
    const continues = /\\\s*$/.test(raw);
    const piece = continues ? raw.replace(/\\\s*$/, '') : raw;
    pending = pending ? { text: `${pending.text} ${piece.trim()}`, line: pending.line } : { text: piece.trim(), line: index + 1 };
    if (!continues) {
      out.push(pending);
      pending = undefined;
    }
  });
  if (pending) out.push(pending);
  return out;
}

/** Splits `key=value key2="quoted value"` pairs (LABEL, ENV, ARG). */
export function keyValues(args: string): Record<string, string> {
  const result: Record<string, string> = {};
  const pattern = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (const match of args.matchAll(pattern)) {
    const [, key, rawValue = ''] = match;
    if (!key) continue;
    result[key] = /^["']/.test(rawValue) ? rawValue.slice(1, -1).replace(/\\(.)/g, '$1') : rawValue;
  }
  return result;
}

/** The argv of an exec-form (JSON array) instruction, or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.trim().startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) return undefined;
  return parsed as string[];
}

const substitute = (value: string, vars: Record<string, string>): string =>
  value.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => vars[braced ?? bare ?? ''] ?? whole);

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const { text: logical, line } of logicalLines(text)) {
    const match = /^(\S+)\s*(.*)$/.exec(logical);
    if (!match) continue;
    const keyword = (match[1] ?? '').toUpperCase();
    const args = match[2] ?? '';
    if (keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(args);
      if (!from?.[1]) throw new Error(`line ${line}: cannot read FROM ${args}`);
      stages.push({ base: substitute(from[1], globalArgs), name: from[2], instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (keyword !== 'ARG') throw new Error(`line ${line}: ${keyword} before the first FROM`);
      const [name, value = ''] = args.split('=', 2);
      if (name) globalArgs[name.trim()] = value.replace(/^["']|["']$/g, '');
      continue;
    }
    stage.instructions.push({ keyword, args, line });
  }
  return { globalArgs, stages };
}

/** Every instruction of `keyword` in a stage. */
export const instructionsOf = (stage: Stage, keyword: string): Instruction[] =>
  stage.instructions.filter((instruction) => instruction.keyword === keyword.toUpperCase());

/** Merged LABEL or ENV pairs of a stage, later ones winning. */
export const pairsOf = (stage: Stage, keyword: 'LABEL' | 'ENV'): Record<string, string> =>
  Object.assign({}, ...instructionsOf(stage, keyword).map((instruction) => keyValues(instruction.args)));
