// The configs the docs show are real: every docs/examples/*.json, and every ```json block holding "api_key" in
// README.md and docs/*.md, validates against spec/spec.json and passes the checks `check` and `write` run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';
import { checkSettings } from '../../src/commands/check-settings.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = join(ROOT, 'docs', 'examples');

const exampleFiles = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort();
const examples = exampleFiles.map((file) => ({ file, text: readFileSync(join(EXAMPLES, file), 'utf8') }));

/** README.md and every docs/*.md that exists. */
function markdownPages(): { page: string; text: string }[] {
  const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  return pages.filter((page) => existsSync(join(ROOT, page))).map((page) => ({ page, text: readFileSync(join(ROOT, page), 'utf8') }));
}

/** The ```json fenced blocks of a markdown text that mention "api_key" (a whole connector config). */
export function configBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^```json[^\n]*\n([\s\S]*?)^```\s*$/gm;
  for (const match of markdown.matchAll(fence)) {
    const body = match[1] ?? '';
    if (body.includes('"api_key"')) blocks.push(body);
  }
  return blocks;
}

/** Problems with one config, as text: schema problems, then the code checks (templates compile, operation exists). */
function problemsOf(raw: unknown): string[] {
  const result = validateConfig(structuredClone(raw));
  if (!result.ok) return result.problems.map((p) => `${p.field}: ${p.rule}`);
  try {
    checkSettings(result.config);
  } catch (error) {
    return [(error as Error).message];
  }
  return [];
}

describe('docs/examples/*.json', () => {
  it('holds at least the eight configs the user guide needs', () => {
    expect(exampleFiles.length).toBeGreaterThanOrEqual(8);
  });

  it.each(examples)('$file is valid JSON, valid against the spec and passes checkSettings', ({ text }) => {
    const raw: unknown = JSON.parse(text);
    expect(problemsOf(raw)).toEqual([]);
  });

  it.each(examples)('$file uses a placeholder or emulator key, never a real-looking one', ({ text }) => {
    const key = (JSON.parse(text) as { api_key: string }).api_key;
    expect(key === 'sk_test_emulator' || /replace_with/.test(key)).toBe(true);
  });

  it('a broken example would be caught (the check is not vacuous)', () => {
    expect(problemsOf({ api_key: 'pk_test_x', configuration: { mode: 'template', resource_type: 'customers' } })).not.toEqual([]);
    expect(problemsOf({ api_key: 'sk_test_x', configuration: { mode: 'template', resource_type: 'charges', operation: 'delete' } })).not.toEqual([]);
    expect(problemsOf({ api_key: 'sk_test_x', configuration: { mode: 'manual', url: '/v1/customers', body: '{"a": {message.a}' } })).not.toEqual([]);
  });
});

describe('configs shown in README.md and docs/*.md', () => {
  const shown = markdownPages().flatMap(({ page, text }) => configBlocks(text).map((block, index) => ({ where: `${page} config block ${index + 1}`, block })));
  const parsedExamples = examples.map(({ file, text }) => ({ file, value: JSON.parse(text) as unknown }));

  it('finds the blocks it checks (the user guide shows configs)', () => {
    expect(shown.some(({ where }) => where.startsWith('docs/user-guide.md'))).toBe(true);
  });

  it.each(shown)('$where parses, validates and passes checkSettings', ({ block }) => {
    let raw: unknown;
    expect(() => (raw = JSON.parse(block))).not.toThrow();
    expect(problemsOf(raw)).toEqual([]);
  });

  it.each(shown)('$where is one of docs/examples/*.json, verbatim', ({ block }) => {
    const raw: unknown = JSON.parse(block);
    const match = parsedExamples.find(({ value }) => isDeepStrictEqual(value, raw));
    expect(match, 'copy a docs/examples file into the page (or link to it) so the two cannot drift').toBeDefined();
  });
});

describe('configBlocks', () => {
  it('picks json fences that hold "api_key" only', () => {
    const md = ['```json', '{"api_key": "sk_test_x"}', '```', '', '```json', '{"mode": "manual"}', '```', '```sh', 'echo "api_key"', '```'].join('\n');
    expect(configBlocks(md)).toEqual(['{"api_key": "sk_test_x"}\n']);
  });
});
