// Parses a body template (JSON with `{message...}` placeholders) into a tree, with the offset of the first fault.
import { scanPlaceholder, startsPlaceholder, type Placeholder } from './placeholder-parse.js';

/** Literal text and placeholders, in order: the content of a JSON string with placeholders. */
export type TextPart = string | Placeholder;

export type BodyNode =
  | { kind: 'literal'; value: unknown }
  /** A placeholder standing alone as a value, or filling a whole string: keeps the field's JSON type. */
  | { kind: 'value'; placeholder: Placeholder }
  /** A string mixing text and placeholders: values are written into it as text. */
  | { kind: 'text'; parts: TextPart[] }
  | { kind: 'object'; entries: { key: TextPart[]; value: BodyNode }[] }
  | { kind: 'array'; items: BodyNode[] };

export class TemplateFault extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WORDS: Record<string, unknown> = { true: true, false: false, null: null };
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses the whole template; throws TemplateFault on the first fault. */
export function parseBodyTemplate(text: string): BodyNode {
  const parser = new Parser(text);
  parser.skipSpace();
  if (parser.at >= text.length) throw new TemplateFault(0, 'the body template is empty');
  const start = parser.at;
  const root = parser.value();
  if (root.kind !== 'object' && root.kind !== 'value') {
    throw new TemplateFault(start, 'the body must be a JSON object (or a placeholder such as {message.json})');
  }
  parser.skipSpace();
  if (parser.at < text.length) throw new TemplateFault(parser.at, 'unexpected text after the end of the body');
  return root;
}

class Parser {
  at = 0;
  constructor(private readonly text: string) {}

  skipSpace(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at]!)) this.at += 1;
  }

  value(): BodyNode {
    const char = this.text[this.at];
    if (char === '{') return startsPlaceholder(this.text, this.at) ? { kind: 'value', placeholder: this.placeholder() } : this.object();
    if (char === '[') return this.array();
    if (char === '"') return stringNode(this.string());
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number();
    for (const [word, value] of Object.entries(WORDS)) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return { kind: 'literal', value };
      }
    }
    if (char === undefined) throw new TemplateFault(this.at, 'the body ends where a value was expected');
    throw new TemplateFault(this.at, 'expected a JSON value or a {message.<path>} placeholder');
  }

  private placeholder(): Placeholder {
    const scan = scanPlaceholder(this.text, this.at);
    if (!scan.ok) throw new TemplateFault(scan.offset, scan.reason);
    this.at = scan.end;
    return scan.placeholder;
  }

  private object(): BodyNode {
    this.at += 1;
    const entries: { key: TextPart[]; value: BodyNode }[] = [];
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at += 1;
      return { kind: 'object', entries };
    }
    const literalKeys = new Set<string>();
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] !== '"') throw new TemplateFault(this.at, 'expected a quoted key');
      const keyAt = this.at;
      const key = this.string();
      if (key.every((part) => typeof part === 'string')) {
        const literal = key.join('');
        if (literalKeys.has(literal)) throw new TemplateFault(keyAt, `the key "${literal}" appears twice in this object`);
        literalKeys.add(literal);
      }
      this.skipSpace();
      if (this.text[this.at] !== ':') throw new TemplateFault(this.at, 'expected ":" after a key');
      this.at += 1;
      this.skipSpace();
      entries.push({ key, value: this.value() });
      this.skipSpace();
      const next = this.text[this.at];
      this.at += 1;
      if (next === '}') return { kind: 'object', entries };
      if (next !== ',') throw new TemplateFault(this.at - 1, 'expected "," or "}" after a value in an object');
    }
  }

  private array(): BodyNode {
    this.at += 1;
    const items: BodyNode[] = [];
    this.skipSpace();
    if (this.text[this.at] === ']') {
      this.at += 1;
      return { kind: 'array', items };
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value());
      this.skipSpace();
      const next = this.text[this.at];
      this.at += 1;
      if (next === ']') return { kind: 'array', items };
      if (next !== ',') throw new TemplateFault(this.at - 1, 'expected "," or "]" after a value in an array');
    }
  }

  private number(): BodyNode {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (!match) throw new TemplateFault(this.at, 'invalid number');
    this.at = NUMBER.lastIndex;
    return { kind: 'literal', value: Number(match[0]) };
  }

  /** Reads a JSON string (the cursor is on its opening quote) into text and placeholders. */
  private string(): TextPart[] {
    const open = this.at;
    const parts: TextPart[] = [];
    let literal = '';
    this.at += 1;
    for (;;) {
      const char = this.text[this.at];
      if (char === undefined) throw new TemplateFault(open, 'string is not closed with a quote');
      if (char === '"') break;
      if (char < ' ') throw new TemplateFault(this.at, 'control character inside a string (write \\n, \\t...)');
      if (char === '\\') {
        literal += this.escape();
        continue;
      }
      if (char === '{' || char === '}') {
        if (this.text[this.at + 1] === char) {
          literal += char;
          this.at += 2;
          continue;
        }
        if (char === '}' || !startsPlaceholder(this.text, this.at)) {
          throw new TemplateFault(this.at, `write ${char}${char} for a literal brace, or a placeholder {message.<path>}`);
        }
        if (literal !== '') parts.push(literal);
        literal = '';
        parts.push(this.placeholder());
        continue;
      }
      literal += char;
      this.at += 1;
    }
    this.at += 1;
    if (literal !== '' || parts.length === 0) parts.push(literal);
    return parts;
  }

  private escape(): string {
    const code = this.text[this.at + 1];
    if (code === 'u') {
      const hex = this.text.slice(this.at + 2, this.at + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new TemplateFault(this.at, 'invalid \\u escape');
      this.at += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    const value = code === undefined ? undefined : ESCAPES[code];
    if (value === undefined) throw new TemplateFault(this.at, 'invalid escape sequence');
    this.at += 2;
    return value;
  }
}

function stringNode(parts: TextPart[]): BodyNode {
  const [first] = parts;
  if (parts.length === 1 && typeof first === 'string') return { kind: 'literal', value: first };
  if (parts.length === 1 && first !== undefined && typeof first !== 'string') return { kind: 'value', placeholder: first };
  return { kind: 'text', parts };
}
