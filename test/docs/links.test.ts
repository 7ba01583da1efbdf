// Relative links in README.md and docs/*.md point at files that exist (and, for markdown targets, at headings that exist).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function markdownPages(): string[] {
  const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  return pages.filter((page) => existsSync(join(ROOT, page)));
}

/** Markdown without fenced code blocks and inline code spans, where brackets are not links. */
export function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Targets of inline links and images `[text](target "title")` and of reference definitions `[id]: target`. */
export function linkTargets(markdown: string): string[] {
  const text = withoutCode(markdown);
  const targets: string[] = [];
  for (const m of text.matchAll(/!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1]!);
  for (const m of text.matchAll(/^\s{0,3}\[[^\]\n]+\]:\s+<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)) targets.push(m[1]!);
  return targets;
}

export function isRelative(target: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const plain = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*_]/g, (c) => (c === '_' ? '_' : ''));
    const base = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

describe('relative links in README.md and docs/*.md', () => {
  const links = markdownPages().flatMap((page) =>
    linkTargets(readFileSync(join(ROOT, page), 'utf8'))
      .filter(isRelative)
      .map((target) => ({ page, target })),
  );

  it('finds links to check', () => {
    expect(links.some(({ page }) => page === 'docs/user-guide.md')).toBe(true);
  });

  it.each(links)('$page → $target exists', ({ page, target }) => {
    const [pathPart = '', fragment] = target.split('#', 2) as [string, string | undefined];
    const file = pathPart === '' ? join(ROOT, page) : join(ROOT, dirname(page), decodeURI(pathPart));
    expect(relative(ROOT, file).startsWith('..'), `${target} leaves the repository`).toBe(false);
    expect(existsSync(file), `${target} (from ${page}) does not exist`).toBe(true);
    if (fragment && file.endsWith('.md') && statSync(file).isFile()) {
      expect([...headingAnchors(readFileSync(file, 'utf8'))], `no heading for #${fragment} in ${relative(ROOT, file)}`).toContain(decodeURIComponent(fragment));
    }
  });
});

describe('link helpers', () => {
  it('reads inline links, images and reference definitions, but not code', () => {
    const md = 'See [a](docs/a.md#x) and ![i](icon.svg "t").\n[ref]: ./b.md\n`[no](c.md)`\n```\n[no](d.md)\n```\n[web](https://x.y)';
    expect(linkTargets(md)).toEqual(['docs/a.md#x', 'icon.svg', 'https://x.y', './b.md']);
    expect(linkTargets(md).filter(isRelative)).toEqual(['docs/a.md#x', 'icon.svg', './b.md']);
  });

  it('makes GitHub-style heading anchors', () => {
    expect([...headingAnchors('# Running it\n## With Docker (locally)\n## `dry_run`\n## Running it\n')]).toEqual(['running-it', 'with-docker-locally', 'dry_run', 'running-it-1']);
  });
});
