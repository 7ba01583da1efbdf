// Property tests: random body/URL templates only ever fail with config errors; random records never crash rendering.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileBodyTemplate, renderBody, parseTextTemplate, type CompiledBody } from '../../src/mapping/placeholders.js';
import { compileUrl, renderUrl } from '../../src/mapping/manual-url.js';
import { ConnectorError } from '../../src/protocol/errors.js';

// Template text built from pieces that matter to the parser, plus arbitrary text.
const piece = fc.oneof(
  fc.constantFrom('{', '}', '{{', '}}', '"', '\\', '[', ']', ':', ',', '?', '.', ' ', '\n', '{message', '{message.', '{message.json}', '{message.a}', '{message.a?}', '{message["k"]}', '{message.items[0]}', 'null', 'true', '-1.5e3', '/v1/', '/v2/', '/', '#', '%2e', '..'),
  fc.string({ maxLength: 6, unit: 'grapheme' }),
);
const templateText = fc.array(piece, { maxLength: 25 }).map((parts) => parts.join(''));
const bodyLike = fc.oneof(templateText, templateText.map((t) => `{"a": ${t}}`), templateText.map((t) => `{"a": "${t}", "b": [${t}]}`));

const configErrorsOnly = (run: () => unknown): unknown => {
  try {
    return run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('config_error');
    return undefined;
  }
};

const record = fc.dictionary(fc.constantFrom('a', 'k', 'items', 'json', 'id', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }) as fc.Arbitrary<Record<string, unknown>>;

describe('placeholder engine (fuzzed)', () => {
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

  it('compileUrl throws nothing but config errors; renderUrl never throws and keeps values inside their segment', () => {
    fc.assert(
      fc.property(templateText, record, (text, data) => {
        const compiled = configErrorsOnly(() => compileUrl(text, { apiBaseUrl: 'http://127.0.0.1:12111' })) as ReturnType<typeof compileUrl> | undefined;
        if (!compiled) return;
        const rendered = renderUrl(compiled, data);
        if (rendered.ok) expect(rendered.objectPath.split('/').length - 1).toBe(compiled.segments.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('renderBody never throws for any compiled template and record', () => {
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
