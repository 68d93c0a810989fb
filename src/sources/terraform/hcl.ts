/**
 * A small, exact reader for HCL2 native syntax (the `.tf` language): blocks with labels,
 * attributes, and expressions (literals, templates with `${...}` interpolation and `%{...}`
 * directives, heredocs, tuples, objects, references, function calls, operators, conditionals,
 * for-expressions, splats). Every node keeps its start and end offsets into the file, so any
 * node's line and column come from `spanAt`.
 *
 * Malformed input stops the file at the first error, reported at its exact position; nothing
 * here throws to the caller, and nesting is bounded so no input can exhaust the stack.
 */
import type { Span } from '../../model/types.js';
import { LineIndex } from '../yaml-positions.js';

export interface Range {
  start: number;
  end: number;
}

export interface Label extends Range {
  value: string;
}

export interface Attribute extends Range {
  type: 'attribute';
  name: string;
  nameStart: number;
  nameEnd: number;
  value: Expr;
}

export interface Block extends Range {
  type: 'block';
  /** `resource`, `variable`, `cors_rule`, ... */
  blockType: string;
  typeStart: number;
  typeEnd: number;
  labels: Label[];
  body: BodyItem[];
}

export type BodyItem = Attribute | Block;

export type TemplatePart = { kind: 'text'; value: string; start: number; end: number } | { kind: 'interp'; expr: Expr; start: number; end: number } | { kind: 'directive'; start: number; end: number };

export type Step = { kind: 'attr'; name: string; start: number; end: number } | { kind: 'index'; key: Expr; start: number; end: number } | { kind: 'splat'; start: number; end: number };

export interface ObjectItem extends Range {
  key: Expr;
  value: Expr;
}

export type Expr = Range &
  (
    | { kind: 'string'; value: string }
    | { kind: 'number'; value: number }
    | { kind: 'bool'; value: boolean }
    | { kind: 'null' }
    /** a quoted string or heredoc with interpolations or directives */
    | { kind: 'template'; parts: TemplatePart[]; heredoc: boolean }
    | { kind: 'tuple'; items: Expr[] }
    | { kind: 'object'; items: ObjectItem[] }
    /** `var.x`, `aws_api_gateway_rest_api.api.id`, `local.m["k"]`, `x[*].y` */
    | { kind: 'traversal'; root: string; rootEnd: number; steps: Step[] }
    /** steps applied to a non-name expression: `(x).y`, `f()[0]` */
    | { kind: 'postfix'; target: Expr; steps: Step[] }
    | { kind: 'call'; name: string; args: Expr[]; expandFinal: boolean }
    | { kind: 'conditional'; cond: Expr; then: Expr; otherwise: Expr }
    | { kind: 'for'; object: boolean; collection: Expr }
    | { kind: 'unary'; op: string; operand: Expr }
    | { kind: 'binary'; op: string; left: Expr; right: Expr }
    | { kind: 'paren'; expr: Expr }
  );

export interface HclError {
  message: string;
  start: number;
  end: number;
}

export interface HclFile {
  file: string;
  text: string;
  lines: LineIndex;
  body: BodyItem[];
  /** the first syntax error; `body` then holds what was read before it */
  error?: HclError;
}

export function spanAt(f: { file: string; lines: LineIndex }, start: number, end: number): Span {
  const a = f.lines.position(start);
  const b = f.lines.position(Math.max(start, end));
  return { file: f.file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column, offset: start, endOffset: Math.max(start, end) };
}

class Stop extends Error {
  constructor(
    readonly info: HclError,
  ) {
    super(info.message);
  }
}

const MAX_DEPTH = 200;
const ID_START = /[\p{L}_]/u;
const ID_CHAR = /[\p{L}\p{N}_-]/u;

function isIdStart(c: string | undefined): boolean {
  return c !== undefined && ID_START.test(c);
}
function isIdChar(c: string | undefined): boolean {
  return c !== undefined && ID_CHAR.test(c);
}
function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

const BINARY: Record<string, number> = { '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '>': 4, '<=': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6 };

function describe(c: string | undefined): string {
  if (c === undefined) return 'end of file';
  if (c === '\n' || c === '\r') return 'a newline';
  return `"${c}"`;
}

class Parser {
  pos = 0;
  depth = 0;
  /** > 0 inside brackets and parentheses, where newlines are insignificant */
  nested = 0;

  constructor(readonly text: string) {}

  fail(message: string, start = this.pos, end = start + 1): never {
    // an error at the end of the text (a lone `\`, an operator with nothing after it) stays inside it
    const n = this.text.length;
    const from = Math.min(start, n);
    throw new Stop({ message, start: from, end: Math.min(Math.max(from, end), n) });
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`Expressions or blocks nest more than ${MAX_DEPTH} levels deep`);
  }

  /** Skips spaces and comments; newlines too when `newlines` (or inside brackets). Returns true if a newline was crossed. */
  skip(newlines = this.nested > 0): boolean {
    const t = this.text;
    let crossed = false;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\uFEFF') this.pos++;
      else if (c === '\r' && t[this.pos + 1] === '\n' && newlines) this.pos++;
      else if (c === '\n' && newlines) {
        this.pos++;
        crossed = true;
      } else if (c === '#' || (c === '/' && t[this.pos + 1] === '/')) {
        // A line comment runs to the end of the line; the newline itself stays significant.
        while (this.pos < t.length && t[this.pos] !== '\n' && !(t[this.pos] === '\r' && t[this.pos + 1] === '\n')) this.pos++;
      } else if (c === '/' && t[this.pos + 1] === '*') {
        const close = t.indexOf('*/', this.pos + 2);
        if (close === -1) this.fail('Unterminated comment: "/*" is never closed by "*/"', this.pos, this.pos + 2);
        this.pos = close + 2;
      } else break;
    }
    return crossed;
  }

  /** Skips blank lines and comments between body items. */
  skipLines(): void {
    for (;;) {
      this.skip(false);
      const c = this.text[this.pos];
      if (c === '\n') this.pos++;
      else if (c === '\r' && this.text[this.pos + 1] === '\n') this.pos += 2;
      else return;
    }
  }

  ident(): { value: string; start: number; end: number } | undefined {
    const start = this.pos;
    if (!isIdStart(this.text[start])) return undefined;
    let i = start + 1;
    while (i < this.text.length && isIdChar(this.text[i])) i++;
    this.pos = i;
    return { value: this.text.slice(start, i), start, end: i };
  }

  /** A body: attributes and blocks, each ending at a newline, until `}` (nested) or end of file. */
  body(closing: boolean): BodyItem[] {
    const items: BodyItem[] = [];
    for (;;) {
      this.skipLines();
      const c = this.text[this.pos];
      if (c === undefined) {
        if (closing) return items; // the caller reports the unclosed block at its brace
        return items;
      }
      if (c === '}') {
        if (closing) return items;
        this.fail('Unexpected "}": there is no open block to close');
      }
      items.push(this.item());
      // An item ends at a newline, a comment line, the end of file or the closing brace of a one-line block.
      this.skip(false);
      const n = this.text[this.pos];
      if (n === undefined || n === '\n' || n === '\r' || (closing && n === '}')) continue;
      this.fail(`Expected a newline after this ${items[items.length - 1]!.type === 'block' ? 'block' : 'attribute'}, found ${describe(n)}`);
    }
  }

  item(): BodyItem {
    const id = this.ident();
    if (!id) this.fail(`Expected an attribute name or a block type, found ${describe(this.text[this.pos])}`);
    this.skip(false);
    const c = this.text[this.pos];
    if (c === '=' && this.text[this.pos + 1] !== '=') {
      this.pos++;
      this.skip(false);
      const n = this.text[this.pos];
      if (n === undefined || n === '\n' || n === '\r') this.fail(`Missing value for attribute "${id.value}": the expression must start on the same line as "="`);
      const value = this.expr();
      return { type: 'attribute', name: id.value, nameStart: id.start, nameEnd: id.end, value, start: id.start, end: value.end };
    }
    const labels: Label[] = [];
    for (;;) {
      const l = this.text[this.pos];
      if (l === '"') {
        const s = this.quoted(); // a label is one string: `"x" * 2` is not a label
        if (s.kind !== 'string') this.fail('A block label must be a plain string, without interpolation', s.start, s.end);
        labels.push({ value: s.value, start: s.start, end: s.end });
      } else if (isIdStart(l)) {
        const x = this.ident()!;
        labels.push({ value: x.value, start: x.start, end: x.end });
      } else break;
      this.skip(false);
    }
    if (this.text[this.pos] !== '{') {
      if (labels.length === 0) this.fail(`Expected "=" or "{" after "${id.value}", found ${describe(this.text[this.pos])}`);
      this.fail(`Expected "{" to open the "${id.value}" block, found ${describe(this.text[this.pos])}`);
    }
    const open = this.pos++;
    this.enter();
    const saved = this.nested;
    this.nested = 0;
    const body = this.body(true);
    this.nested = saved;
    this.depth--;
    if (this.text[this.pos] !== '}') this.fail(`Unclosed block: the "{" of "${id.value}" is never closed`, open, open + 1);
    this.pos++;
    return { type: 'block', blockType: id.value, typeStart: id.start, typeEnd: id.end, labels, body, start: id.start, end: this.pos };
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  expr(): Expr {
    this.enter();
    const e = this.conditional();
    this.depth--;
    return e;
  }

  conditional(): Expr {
    const cond = this.binary(0);
    const save = this.pos;
    this.skip();
    if (this.text[this.pos] !== '?') {
      this.pos = save;
      return cond;
    }
    this.pos++;
    this.skip(true);
    const then = this.expr();
    this.skip(true);
    if (this.text[this.pos] !== ':') this.fail(`Expected ":" in this conditional expression, found ${describe(this.text[this.pos])}`);
    this.pos++;
    this.skip(true);
    const otherwise = this.expr();
    return { kind: 'conditional', cond, then, otherwise, start: cond.start, end: otherwise.end };
  }

  binaryOp(): string | undefined {
    const save = this.pos;
    this.skip();
    const t = this.text;
    const two = t.slice(this.pos, this.pos + 2);
    if (two.length === 2 && two in BINARY) {
      this.pos += 2;
      return two;
    }
    const one = t[this.pos];
    // `=>` and `==` are not `=`; a lone `=`, `<`/`>` followed by `<<` etc. handled by the table.
    if (one !== undefined && one in BINARY && !(one === '*' && t[this.pos - 1] === '.')) {
      this.pos += 1;
      return one;
    }
    this.pos = save;
    return undefined;
  }

  binary(minPrec: number): Expr {
    let left = this.unary();
    for (;;) {
      const save = this.pos;
      const op = this.binaryOp();
      if (!op) return left;
      const prec = BINARY[op]!;
      if (prec <= minPrec) {
        this.pos = save;
        return left;
      }
      this.skip(true);
      this.enter();
      const right = this.binary(prec);
      this.depth--;
      left = { kind: 'binary', op, left, right, start: left.start, end: right.end };
    }
  }

  unary(): Expr {
    const c = this.text[this.pos];
    if (c === '!' || (c === '-' && !isDigit(this.text[this.pos + 1]))) {
      const start = this.pos++;
      this.skip();
      this.enter();
      const operand = this.unary();
      this.depth--;
      return { kind: 'unary', op: c, operand, start, end: operand.end };
    }
    return this.postfix(this.primary());
  }

  postfix(target: Expr): Expr {
    const steps: Step[] = [];
    for (;;) {
      const t = this.text;
      const c = t[this.pos];
      if (c === '.' && t.startsWith('...', this.pos)) break; // the expansion/grouping marker, not a step
      if (c === '.') {
        const start = this.pos;
        if (t[this.pos + 1] === '*') {
          this.pos += 2;
          steps.push({ kind: 'splat', start, end: this.pos });
          continue;
        }
        this.pos++;
        if (isDigit(t[this.pos])) {
          // legacy index `.0`
          const s = this.pos;
          while (isDigit(t[this.pos])) this.pos++;
          const n = Number(t.slice(s, this.pos));
          steps.push({ kind: 'index', key: { kind: 'number', value: n, start: s, end: this.pos }, start, end: this.pos });
          continue;
        }
        const id = this.ident();
        if (!id) this.fail(`Expected an attribute name after ".", found ${describe(t[this.pos])}`);
        steps.push({ kind: 'attr', name: id.value, start, end: id.end });
      } else if (c === '[') {
        const start = this.pos++;
        this.nested++;
        this.skip();
        if (t[this.pos] === '*') {
          this.pos++;
          this.skip();
          if (t[this.pos] !== ']') this.fail(`Expected "]" after "[*", found ${describe(t[this.pos])}`);
          this.pos++;
          this.nested--;
          steps.push({ kind: 'splat', start, end: this.pos });
          continue;
        }
        const key = this.expr();
        this.skip();
        if (t[this.pos] !== ']') this.fail(`Expected "]" to close the index, found ${describe(t[this.pos])}`);
        this.pos++;
        this.nested--;
        steps.push({ kind: 'index', key, start, end: this.pos });
      } else break;
    }
    if (steps.length === 0) return target;
    const end = steps[steps.length - 1]!.end;
    if (target.kind === 'traversal') return { ...target, steps: [...target.steps, ...steps], end };
    return { kind: 'postfix', target, steps, start: target.start, end };
  }

  primary(): Expr {
    const t = this.text;
    const start = this.pos;
    const c = t[start];
    if (c === '"') return this.quoted();
    if (c === '<' && t[start + 1] === '<') return this.heredoc();
    if (isDigit(c) || (c === '-' && isDigit(t[start + 1]))) return this.number();
    if (c === '[') return this.tuple();
    if (c === '{') return this.object();
    if (c === '(') {
      this.pos++;
      this.nested++;
      this.skip();
      const inner = this.expr();
      this.skip();
      if (t[this.pos] !== ')') this.fail(`Expected ")" to close the parenthesis opened on this line, found ${describe(t[this.pos])}`, this.pos);
      this.pos++;
      this.nested--;
      return { kind: 'paren', expr: inner, start, end: this.pos };
    }
    const id = this.ident();
    if (!id) this.fail(`Expected an expression, found ${describe(c)}`);
    if (id.value === 'true' || id.value === 'false') return { kind: 'bool', value: id.value === 'true', start, end: id.end };
    if (id.value === 'null') return { kind: 'null', start, end: id.end };
    const save = this.pos;
    // Function call: a name followed by "(" (provider functions use `provider::ns::fn`).
    let name = id.value;
    while (t[this.pos] === ':' && t[this.pos + 1] === ':') {
      this.pos += 2;
      const part = this.ident();
      if (!part) this.fail('Expected a function name after "::"');
      name += `::${part.value}`;
    }
    if (t[this.pos] === '(') return this.call(name, start);
    this.pos = save;
    return { kind: 'traversal', root: id.value, rootEnd: id.end, steps: [], start, end: id.end };
  }

  call(name: string, start: number): Expr {
    const t = this.text;
    this.pos++; // (
    this.nested++;
    const args: Expr[] = [];
    let expandFinal = false;
    this.skip();
    while (t[this.pos] !== ')') {
      if (this.pos >= t.length) this.fail(`Unclosed call: "${name}(" is never closed`, start, start + name.length + 1);
      args.push(this.expr());
      this.skip();
      if (this.pos >= t.length) this.fail(`Unclosed call: "${name}(" is never closed`, start, start + name.length + 1);
      if (t.startsWith('...', this.pos)) {
        this.pos += 3;
        expandFinal = true;
        this.skip();
      }
      if (t[this.pos] === ',') {
        this.pos++;
        this.skip();
      } else if (t[this.pos] !== ')') this.fail(`Expected "," or ")" in the arguments of ${name}(), found ${describe(t[this.pos])}`);
    }
    this.pos++;
    this.nested--;
    return { kind: 'call', name, args, expandFinal, start, end: this.pos };
  }

  number(): Expr {
    const t = this.text;
    const start = this.pos;
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(t.slice(start, start + 64));
    this.pos += m![0].length;
    return { kind: 'number', value: Number(m![0]), start, end: this.pos };
  }

  /** `for x in coll : ...` after the opening bracket; the rest is skipped as unknown. */
  forExpr(start: number, object: boolean): Expr {
    const t = this.text;
    this.ident(); // for
    this.skip();
    if (!this.ident()) this.fail('Expected a variable name after "for"');
    this.skip();
    if (t[this.pos] === ',') {
      this.pos++;
      this.skip();
      if (!this.ident()) this.fail('Expected a second variable name after ","');
      this.skip();
    }
    const kw = this.ident();
    if (!kw || kw.value !== 'in') this.fail('Expected "in" in this for expression', kw?.start ?? this.pos);
    this.skip();
    const collection = this.expr();
    this.skip();
    if (t[this.pos] !== ':') this.fail(`Expected ":" in this for expression, found ${describe(t[this.pos])}`);
    this.pos++;
    this.skip();
    this.expr();
    this.skip();
    if (object) {
      if (!t.startsWith('=>', this.pos)) this.fail(`Expected "=>" in this object for expression, found ${describe(t[this.pos])}`);
      this.pos += 2;
      this.skip();
      this.expr();
      this.skip();
      if (t.startsWith('...', this.pos)) {
        this.pos += 3;
        this.skip();
      }
    }
    const save = this.pos;
    const maybeIf = this.ident();
    if (maybeIf?.value === 'if') {
      this.skip();
      this.expr();
      this.skip();
    } else this.pos = save;
    const close = object ? '}' : ']';
    if (t[this.pos] !== close) this.fail(`Expected "${close}" to close this for expression, found ${describe(t[this.pos])}`);
    this.pos++;
    return { kind: 'for', object, collection, start, end: this.pos };
  }

  startsFor(): boolean {
    const m = /^for\s+[\p{L}_]/u.exec(this.text.slice(this.pos, this.pos + 8));
    return m !== null;
  }

  tuple(): Expr {
    const t = this.text;
    const start = this.pos++;
    this.nested++;
    this.enter();
    this.skip();
    if (this.startsFor()) {
      const f = this.forExpr(start, false);
      this.nested--;
      this.depth--;
      return f;
    }
    const items: Expr[] = [];
    while (t[this.pos] !== ']') {
      if (this.pos >= t.length) this.fail('Unclosed list: this "[" is never closed', start, start + 1);
      items.push(this.expr());
      this.skip();
      if (this.pos >= t.length) this.fail('Unclosed list: this "[" is never closed', start, start + 1);
      if (t[this.pos] === ',') {
        this.pos++;
        this.skip();
      } else if (t[this.pos] !== ']') this.fail(`Expected "," or "]" in this list, found ${describe(t[this.pos])}`);
    }
    this.pos++;
    this.nested--;
    this.depth--;
    return { kind: 'tuple', items, start, end: this.pos };
  }

  object(): Expr {
    const t = this.text;
    const start = this.pos++;
    this.enter();
    const saved = this.nested;
    this.nested = 0;
    this.skip(true);
    if (this.startsFor()) {
      this.nested = 1;
      const f = this.forExpr(start, true);
      this.nested = saved;
      this.depth--;
      return f;
    }
    const items: ObjectItem[] = [];
    for (;;) {
      this.skip(true);
      if (t[this.pos] === '}') break;
      if (this.pos >= t.length) this.fail('Unclosed object: this "{" is never closed', start, start + 1);
      // A key: a bare name (a literal key), or any expression (a quoted string, a parenthesized one).
      const key = this.objectKey();
      this.skip(false);
      if (t[this.pos] === '=' && t[this.pos + 1] !== '=' && t[this.pos + 1] !== '>') this.pos++;
      else if (t[this.pos] === ':') this.pos++;
      else this.fail(`Expected "=" or ":" after this object key, found ${describe(t[this.pos])}`);
      this.skip(false);
      const n = t[this.pos];
      if (n === undefined || n === '\n' || n === '\r') this.fail('Missing value for this object key: the expression must start on the same line');
      const value = this.expr();
      items.push({ key, value, start: key.start, end: value.end });
      this.skip(false);
      const sep = t[this.pos];
      if (sep === ',') this.pos++;
      else if (sep === '\n' || sep === '\r' || sep === '}') continue;
      else if (sep === undefined) this.fail('Unclosed object: this "{" is never closed', start, start + 1);
      else this.fail(`Expected a newline, "," or "}" after this object item, found ${describe(sep)}`);
    }
    this.pos++;
    this.nested = saved;
    this.depth--;
    return { kind: 'object', items, start, end: this.pos };
  }

  objectKey(): Expr {
    const start = this.pos;
    const id = this.ident();
    if (id) {
      // A bare name is a literal key unless it continues as an expression (`local.x`, `f()`); Terraform reads `a.b = 1` as a reference key.
      const c = this.text[this.pos];
      if (c !== '.' && c !== '[' && c !== '(' && c !== ':') return { kind: 'string', value: id.value, start, end: id.end };
      if (c === ':' && this.text[this.pos + 1] !== ':') return { kind: 'string', value: id.value, start, end: id.end };
      this.pos = start;
    }
    return this.expr();
  }

  // -------------------------------------------------------------------------------------------
  // Templates

  quoted(): Expr {
    const start = this.pos++;
    const parts = this.templateParts(start, { end: '"', escapes: true, limit: this.text.length });
    // templateParts leaves pos after the closing quote
    return this.finishTemplate(parts, start, this.pos, false);
  }

  finishTemplate(parts: TemplatePart[], start: number, end: number, heredoc: boolean): Expr {
    if (parts.every((p) => p.kind === 'text')) return { kind: 'string', value: parts.map((p) => (p as { value: string }).value).join(''), start, end };
    return { kind: 'template', parts, heredoc, start, end };
  }

  /**
   * Reads template text up to `end` (a closing quote) or `limit` (a heredoc's closing marker):
   * literal runs, `${expr}` interpolations and `%{...}` directives.
   */
  templateParts(open: number, opts: { end: string | undefined; escapes: boolean; limit: number }): TemplatePart[] {
    const t = this.text;
    const parts: TemplatePart[] = [];
    let buf = '';
    let bufStart = this.pos;
    const flush = () => {
      if (buf) parts.push({ kind: 'text', value: buf, start: bufStart, end: this.pos });
      buf = '';
    };
    for (;;) {
      if (this.pos >= opts.limit) {
        if (opts.end) this.fail('Unterminated string: this quote is never closed on its line', open, open + 1);
        flush();
        return parts;
      }
      const c = t[this.pos]!;
      if (opts.end && c === opts.end) {
        flush();
        this.pos++;
        return parts;
      }
      if (opts.end && (c === '\n' || c === '\r')) this.fail('Unterminated string: a quoted string cannot span lines (use a heredoc)', open, open + 1);
      if (opts.escapes && c === '\\') {
        const n = t[this.pos + 1];
        const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
        if (n !== undefined && n in simple) {
          buf += simple[n];
          this.pos += 2;
          continue;
        }
        if (n === 'u' || n === 'U') {
          const len = n === 'u' ? 4 : 8;
          const hex = t.slice(this.pos + 2, this.pos + 2 + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) this.fail(`Invalid escape: \\${n} needs ${len} hexadecimal digits`, this.pos, this.pos + 2);
          const cp = parseInt(hex, 16);
          if (cp > 0x10ffff) this.fail('Invalid escape: the code point is out of range', this.pos, this.pos + 2 + len);
          buf += String.fromCodePoint(cp);
          this.pos += 2 + len;
          continue;
        }
        this.fail(`Invalid escape sequence "\\${n ?? ''}" in a quoted string`, this.pos, this.pos + 2);
      }
      if ((c === '$' || c === '%') && t[this.pos + 1] === c && t[this.pos + 2] === '{') {
        // `$${` and `%%{` are the literal `${` and `%{`
        buf += `${c}{`;
        this.pos += 3;
        continue;
      }
      if ((c === '$' || c === '%') && t[this.pos + 1] === '{') {
        flush();
        const s = this.pos;
        this.pos += 2;
        if (t[this.pos] === '~') this.pos++;
        const saved = this.nested;
        this.nested = 1;
        this.skip();
        let expr: Expr | undefined;
        if (c === '$') expr = this.expr();
        else this.directive();
        this.skip();
        if (t[this.pos] === '~') this.pos++;
        if (t[this.pos] !== '}') this.fail(`Expected "}" to close this ${c === '$' ? 'interpolation' : 'template directive'}, found ${describe(t[this.pos])}`, this.pos);
        this.pos++;
        this.nested = saved;
        parts.push(expr ? { kind: 'interp', expr, start: s, end: this.pos } : { kind: 'directive', start: s, end: this.pos });
        bufStart = this.pos;
        continue;
      }
      buf += c;
      this.pos++;
    }
  }

  /** `%{ if cond }`, `%{ else }`, `%{ endif }`, `%{ for x in coll }`, `%{ endfor }`. */
  directive(): void {
    const kw = this.ident();
    if (!kw) this.fail('Expected if, else, endif, for or endfor in this template directive');
    this.skip();
    if (kw.value === 'if') this.expr();
    else if (kw.value === 'for') {
      if (!this.ident()) this.fail('Expected a variable name after "for"');
      this.skip();
      if (this.text[this.pos] === ',') {
        this.pos++;
        this.skip();
        if (!this.ident()) this.fail('Expected a second variable name after ","');
        this.skip();
      }
      const inKw = this.ident();
      if (inKw?.value !== 'in') this.fail('Expected "in" in this template for directive');
      this.skip();
      this.expr();
    } else if (!['else', 'endif', 'endfor'].includes(kw.value)) this.fail(`Unknown template directive "${kw.value}"`, kw.start, kw.end);
  }

  heredoc(): Expr {
    const t = this.text;
    const start = this.pos;
    this.pos += 2;
    const strip = t[this.pos] === '-';
    if (strip) this.pos++;
    const marker = this.ident();
    if (!marker) this.fail('Expected a heredoc marker name after "<<"', start, this.pos);
    if (t[this.pos] === '\r') this.pos++;
    if (t[this.pos] !== '\n') this.fail('A heredoc marker must be followed by a newline', this.pos);
    this.pos++;
    const contentStart = this.pos;
    // The closing marker: a line holding only the marker (after optional indentation).
    let lineStart = contentStart;
    let closeLine = -1;
    let closeEnd = -1;
    while (lineStart <= t.length) {
      let lineEnd = t.indexOf('\n', lineStart);
      if (lineEnd === -1) lineEnd = t.length;
      const line = t.slice(lineStart, lineEnd).replace(/\r$/, '');
      if (line.trim() === marker.value) {
        closeLine = lineStart;
        closeEnd = lineStart + line.length;
        break;
      }
      if (lineEnd === t.length) break;
      lineStart = lineEnd + 1;
    }
    if (closeLine === -1) this.fail(`Unterminated heredoc: no line holds the closing marker ${marker.value}`, start, marker.end);
    const parts = this.templateParts(start, { end: undefined, escapes: false, limit: closeLine });
    if (strip) stripIndent(parts, t.slice(contentStart, closeLine));
    this.pos = closeEnd;
    return this.finishTemplate(parts, start, closeEnd, true);
  }
}

/** `<<-` heredocs: remove the smallest indentation of the non-blank lines from every line. */
function stripIndent(parts: TemplatePart[], raw: string): void {
  let min = Infinity;
  for (const line of raw.split('\n')) {
    if (!line.trim()) continue;
    min = Math.min(min, /^[ \t]*/.exec(line)![0].length);
  }
  if (!Number.isFinite(min) || min === 0) return;
  let atLineStart = true;
  for (const p of parts) {
    if (p.kind !== 'text') {
      atLineStart = false;
      continue;
    }
    const lines = p.value.split('\n');
    p.value = lines.map((l, i) => ((i > 0 || atLineStart) ? l.replace(new RegExp(`^[ \\t]{0,${min}}`), '') : l)).join('\n');
    atLineStart = p.value.endsWith('\n');
  }
}

/** Parses one `.tf` file; never throws. */
/**
 * The JSON string whose opening quote is at `start`, read as an HCL template (Terraform's JSON
 * syntax: a string value is a template, `"${aws_api_gateway_rest_api.api.id}"`), with offsets
 * into `text`. Undefined when it is not one: a JSON escape HCL lacks (`\/`, `\b`, `\f`) or a
 * malformed interpolation; the caller then takes the decoded string as it is.
 */
export function parseQuotedTemplate(text: string, start: number): Expr | undefined {
  const p = new Parser(text);
  p.pos = start;
  try {
    return p.quoted();
  } catch (err) {
    if (err instanceof Stop || err instanceof RangeError) return undefined;
    throw err;
  }
}

export function parseHcl(file: string, text: string): HclFile {
  const lines = new LineIndex(text);
  const p = new Parser(text);
  const out: HclFile = { file, text, lines, body: [] };
  try {
    out.body = p.body(false);
  } catch (err) {
    if (err instanceof Stop) out.error = err.info;
    else if (err instanceof RangeError) out.error = { message: 'The file nests too deeply to be read', start: p.pos, end: p.pos };
    else out.error = { message: `Internal error while reading this file: ${(err as Error).message}`, start: p.pos, end: p.pos };
  }
  return out;
}
