// Property tests of the placeholder engine. Two kinds of input: noise built from the pieces that matter to the
// parser (which must fail only with config errors), and well-formed templates (most of which compile, so the
// rendering properties, above all "a value stays inside its URL segment", meet real templates).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileBodyTemplate, renderBody, parseTextTemplate, type CompiledBody } from '../../src/mapping/placeholders.js';
import { compileUrl, renderUrl, type CompiledUrl } from '../../src/mapping/manual-url.js';
import { ConnectorError } from '../../src/protocol/errors.js';

// Noise: template text built from pieces that matter to the parser, plus arbitrary text.
const piece = fc.oneof(
  fc.constantFrom('{', '}', '{{', '}}', '"', '\\', '[', ']', ':', ',', '?', '.', ' ', '\n', '{message', '{message.', '{message.json}', '{message.a}', '{message.a?}', '{message["k"]}', '{message.items[0]}', 'null', 'true', '-1.5e3', '/v1/', '/v2/', '/', '#', '%2e', '..'),
  fc.string({ maxLength: 6, unit: 'grapheme' }),
);
const templateText = fc.array(piece, { maxLength: 25 }).map((parts) => parts.join(''));
const bodyLike = fc.oneof(templateText, templateText.map((t) => `{"a": ${t}}`), templateText.map((t) => `{"a": "${t}", "b": [${t}]}`));

// Well-formed templates: placeholders over the record's keys, literals from the allowed alphabets.
const KEYS = ['a', 'k', 'items', 'id', 'odd key', 'json'] as const;
const path = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'k', 'id', 'items[0]', 'items[1]', 'k.a', 'items[0].id', '["odd key"]', '["a"]') },
  { weight: 1, arbitrary: fc.constantFrom('json', '__proto__', 'constructor.name', 'missing') },
);
const placeholder = fc.tuple(path, fc.boolean()).map(([p, optional]) => `{message${p.startsWith('[') ? '' : '.'}${p}${optional ? '?' : ''}}`);
const pathChar = fc.constantFrom(...'abcXYZ019-._~!$&\'()*+,;=:@'.split(''), '%2F', '%20', '%2e');
const pathLiteral = fc.array(pathChar, { minLength: 1, maxLength: 6 }).map((c) => c.join(''));
const segment = fc.array(fc.oneof({ weight: 2, arbitrary: pathLiteral }, { weight: 2, arbitrary: placeholder }), { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
const queryPart = fc.oneof(pathLiteral, placeholder, fc.constantFrom('expand[]=', '&', '=', '/', '?'));
const urlTemplate = fc
  .tuple(
    fc.constantFrom('', '', '', 'https://api.stripe.com', 'https://meter-events.stripe.com', 'http://127.0.0.1:12111'),
    fc.constantFrom('/v1', '/v2'),
    fc.array(segment, { minLength: 1, maxLength: 4 }),
    fc.option(fc.array(queryPart, { maxLength: 4 }), { nil: undefined }),
  )
  .map(([origin, version, segments, query]) => `${origin}${version}/${segments.join('/')}${query === undefined ? '' : `?${query.join('')}`}`);

const jsonLiteral = fc.oneof(fc.constantFrom('null', 'true', 'false', '0', '-1.5e3', '""'), fc.string({ maxLength: 5 }).map((s) => JSON.stringify(s).replace(/[{}]/g, (b) => b + b)));
const textWithPlaceholders = fc
  .array(fc.oneof(fc.string({ maxLength: 4 }).map((s) => JSON.stringify(s).slice(1, -1).replace(/[{}]/g, (b) => b + b)), placeholder), { maxLength: 4 })
  .map((parts) => `"${parts.join('')}"`);
const { bodyValue } = fc.letrec<{ bodyValue: string; bodyObject: string }>((tie) => ({
  bodyValue: fc.oneof({ depthSize: 'small', withCrossShrink: true }, jsonLiteral, placeholder, textWithPlaceholders, tie('bodyObject'), fc.array(tie('bodyValue'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`)),
  bodyObject: fc
    .array(fc.tuple(fc.oneof(fc.constantFrom('"x"', '"y"', '"z"', '"items"'), textWithPlaceholders), tie('bodyValue')), { maxLength: 4 })
    .map((entries) => `{${entries.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
}));
const bodyTemplate = fc.oneof(fc.constant('{message.json}'), bodyValue.map((v) => `{"a": ${v}, "b": ${v}}`), bodyValue.map((v) => `{"root": ${v}}`));

// Records: values that would break out of a URL segment if written raw, among ordinary JSON.
const hostile = fc.constantFrom('/', '..', '.', '%2e%2e', 'a/b', 'x?y=1', '#frag', '../../v1/accounts', ' ', '', '\ud800', 'é/ü', '%2F');
const scalar = fc.oneof({ weight: 3, arbitrary: hostile }, { weight: 1, arbitrary: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean()) });
const value = fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
const record = fc.record(
  {
    a: value,
    k: fc.oneof(scalar, fc.record({ a: scalar })),
    id: scalar,
    items: fc.array(fc.oneof(scalar, fc.record({ id: scalar })), { maxLength: 3 }),
    'odd key': value,
    json: value,
    ['__proto__']: value,
  },
  { requiredKeys: ['a', 'k', 'id'] },
) as fc.Arbitrary<Record<string, unknown>>;

const configErrorsOnly = (run: () => unknown): unknown => {
  try {
    return run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('config_error');
    return undefined;
  }
};

/** The share of generated templates that compiled. */
function share(counter: { compiled: number; total: number }): number {
  return counter.compiled / counter.total;
}

describe('placeholder engine (fuzzed noise)', () => {
  it('compileBodyTemplate throws nothing but config errors, naming a line and column', () => {
    fc.assert(
      fc.property(bodyLike, (text) => {
        try {
          compileBodyTemplate(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ConnectorError);
          expect((error as ConnectorError).failureType).toBe('config_error');
          expect((error as ConnectorError).message).toMatch(/^configuration\.body: line \d+, column \d+: /);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parseTextTemplate never throws', () => {
    fc.assert(fc.property(templateText, (text) => void parseTextTemplate(text)), { numRuns: 1000 });
  });

  it('compileUrl throws nothing but config errors', () => {
    fc.assert(fc.property(templateText, (text) => void configErrorsOnly(() => compileUrl(text, { apiBaseUrl: 'http://127.0.0.1:12111' }))), { numRuns: 1000 });
  });
});

describe('placeholder engine (fuzzed well-formed templates)', () => {
  it('most generated URL templates compile, and every rendered value stays inside its own path segment', () => {
    const counter = { compiled: 0, total: 0, rendered: 0 };
    fc.assert(
      fc.property(urlTemplate, record, (text, data) => {
        counter.total += 1;
        const compiled = configErrorsOnly(() => compileUrl(text, { apiBaseUrl: 'http://127.0.0.1:12111' })) as CompiledUrl | undefined;
        if (!compiled) return;
        counter.compiled += 1;
        const rendered = renderUrl(compiled, data);
        if (!rendered.ok) return;
        counter.rendered += 1;
        const segments = rendered.objectPath.split('/').slice(1);
        expect(segments).toHaveLength(compiled.segments.length);
        expect(rendered.objectPath).not.toMatch(/[?#]/);
        for (const s of segments) {
          expect(s).not.toBe('');
          expect(['.', '..']).not.toContain(decodeURIComponent(s));
        }
        expect(rendered.path.startsWith(`${rendered.objectPath}`)).toBe(true);
        if (compiled.query === undefined) expect(rendered.path).toBe(rendered.objectPath);
        else expect(rendered.path.slice(rendered.objectPath.length + 1)).not.toContain('#');
      }),
      { numRuns: 2000 },
    );
    console.log(`URL fuzz: ${counter.compiled} of ${counter.total} templates compiled, ${counter.rendered} rendered`);
    expect(share(counter)).toBeGreaterThan(0.8);
    expect(counter.rendered / counter.total).toBeGreaterThan(0.2);
  });

  it('most generated body templates compile, and renderBody never throws for them', () => {
    const counter = { compiled: 0, total: 0, rendered: 0 };
    fc.assert(
      fc.property(bodyTemplate, record, (text, data) => {
        counter.total += 1;
        const compiled = configErrorsOnly(() => compileBodyTemplate(text)) as CompiledBody | undefined;
        if (!compiled) return;
        counter.compiled += 1;
        const rendered = renderBody(compiled, data);
        if (rendered.ok) {
          counter.rendered += 1;
          expect(typeof rendered.body).toBe('object');
        } else expect('missing' in rendered || 'invalid' in rendered).toBe(true);
      }),
      { numRuns: 2000 },
    );
    console.log(`body fuzz: ${counter.compiled} of ${counter.total} templates compiled, ${counter.rendered} rendered`);
    expect(share(counter)).toBeGreaterThan(0.8);
  });

  it('renderBody never throws for noise that happens to compile either', () => {
    const compiledBody = bodyLike.map((t) => configErrorsOnly(() => compileBodyTemplate(t)) as CompiledBody | undefined).filter((c): c is CompiledBody => c !== undefined);
    fc.assert(
      fc.property(fc.oneof(compiledBody, fc.constant(compileBodyTemplate('{"x": "{message.a} and {message.items[0]?}", "y": {message.k?}, "z": [{message.json}]}'))), record, (compiled, data) => {
        const rendered = renderBody(compiled, data);
        if (rendered.ok) expect(typeof rendered.body).toBe('object');
        else expect('missing' in rendered || 'invalid' in rendered).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
