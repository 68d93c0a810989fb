/**
 * The nginx parser: statements and blocks from the lexer's tokens, with an explicit stack
 * (no recursion, so no nesting depth can overflow it). It never throws: every problem is a
 * `parse-error` diagnostic at the exact position, with nginx's own wording where nginx has
 * one, and parsing goes on where a reader would (a broken line is dropped, the next line is
 * read again).
 */
import type { SourceDiagnostic, Span } from '../../model/types.js';
import type { IfCondition, NginxComment, NginxDirective, NginxFile, NginxToken } from './ast.js';
import { directiveShape } from './contexts.js';
import { CLOSE, COMMENT, EOF, NginxLexer, OPEN, SEMI, share, WORD, type Token } from './lexer.js';

export interface ParseOptions {
  /** blocks deeper than this are skipped with a finding (default 200); consumers walk the tree recursively */
  maxDepth?: number;
  /** collect the comments now (default: `file.comments` parses the text again when first read; no consumer of the tree reads them) */
  comments?: boolean;
}

export interface ParsedNginxFile {
  file: NginxFile;
  diagnostics: SourceDiagnostic[];
  /** every `include` directive of the file, in order */
  includes: NginxDirective[];
  /** the file holds template syntax (`{{ }}`, `{% %}`): its structure is not the rendered one */
  template?: boolean;
}

const DEFAULT_MAX_DEPTH = 200;

/*
 * The tree's objects are built by classes, not object literals. A literal's allocation site
 * is watched by V8's pretenuring, whose decision flips while a large tree grows, and every flip
 * throws away the optimized parser code that allocates there (recompiling it costs more than
 * the parse). Own fields keep the order of the literals they replace.
 */

/** a span (see `Span`) */
class NodeSpan implements Span {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  offset: number | undefined;
  endOffset: number | undefined;

  constructor(file: string, line: number, column: number, endLine: number, endColumn: number, offset: number | undefined, endOffset: number | undefined) {
    this.file = file;
    this.line = line;
    this.column = column;
    this.endLine = endLine;
    this.endColumn = endColumn;
    this.offset = offset;
    this.endOffset = endOffset;
  }
}

/**
 * a directive (see `NginxDirective`). The optional fields are own fields from the start,
 * undefined when absent: every directive has the same hidden class, so the code that walks
 * the tree (context checks, the evaluator) reads their fields without polymorphic lookups.
 */
class Directive implements NginxDirective {
  name: string;
  args: NginxToken[];
  span: Span;
  nameSpan: Span;
  nameQuote: '"' | "'" | undefined = undefined;
  condition: IfCondition | undefined = undefined;
  block: NginxDirective[] | undefined = undefined;
  luaBody: NginxToken | undefined = undefined;
  included: { file: string; directives: NginxDirective[] }[] | undefined = undefined;

  constructor(name: string, args: NginxToken[], span: Span, nameSpan: Span) {
    this.name = name;
    this.args = args;
    this.span = span;
    this.nameSpan = nameSpan;
  }
}

/** an `if` condition (see `IfCondition`); like `Directive`, one hidden class for all */
class Condition implements IfCondition {
  variable: string;
  operator: IfCondition['operator'];
  span: Span;
  negated: boolean | undefined = undefined;
  operand: NginxToken | undefined = undefined;

  constructor(variable: string, operator: IfCondition['operator'], span: Span) {
    this.variable = variable;
    this.operator = operator;
    this.span = span;
  }
}

/** a token cut out of another one (the parentheses of an `if`), with its own span */
class PartToken implements NginxToken {
  value: string;
  quote: '"' | "'" | null;
  span: Span;

  constructor(value: string, quote: '"' | "'" | null, span: Span) {
    this.value = value;
    this.quote = quote;
    this.span = span;
  }
}

function spanBetween(a: Span, b: Span): Span {
  return new NodeSpan(a.file, a.line, a.column, b.endLine, b.endColumn, a.offset, b.endOffset);
}

function parseError(message: string, span: Span): SourceDiagnostic {
  return { ruleId: 'parse-error', message, span };
}

/** an error after which the tree of the file is not trustworthy (ESLint `fatal`): the end of a block or string was never found */
function fatalError(message: string, span: Span): SourceDiagnostic {
  return { ruleId: 'parse-error', message, span, fatal: true };
}

/**
 * Where a statement of a known simple directive really ends when its ";" is missing: the
 * index (into [name, ...args], >= 1) of the first token that starts a later line, names a
 * known directive and comes after no more arguments than the directive takes. 0 = no cut.
 * `add_header X y` + newline + `return 204;` reads as one statement to nginx.
 */
function missingSemicolon(name: Token, args: Token[], opensBlock: boolean): number {
  if (name.quote || args.length === 0) return 0;
  const shape = directiveShape(name.value);
  if (!shape || shape.block !== false) return 0;
  if (!opensBlock && args.length <= shape.maxArgs) return 0;
  let prev: Token = name;
  for (let i = 0; i < args.length && i <= shape.maxArgs; i++) {
    const t = args[i]!;
    if (i > 0 && t.line > prev.endLine && !t.quote && directiveShape(t.value)) return i + 1;
    prev = t;
  }
  return 0;
}

/** a whole-word template construct at a statement start (`{{ if .X }}`, `{% endif %}`) is control flow, not a directive */
function isTemplateStatement(t: Token): boolean {
  if (!t.template || t.quote) return false;
  const v = t.value;
  return (v.startsWith('{{') && v.endsWith('}}')) || (v.startsWith('{%') && v.endsWith('%}'));
}

/** the file is binary (NUL bytes): one fatal finding at the first NUL */
function binaryDiagnostic(text: string, path: string): SourceDiagnostic | undefined {
  const nul = text.indexOf('\u0000');
  if (nul < 0) return undefined;
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < nul; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const column = nul - lineStart + 1;
  return {
    ruleId: 'parse-error',
    fatal: true,
    message: 'this is a binary file (it contains NUL bytes), not an nginx configuration: nginx would refuse to load it',
    span: { file: path, line, column, endLine: line, endColumn: column + 1, offset: nul, endOffset: nul + 1 },
  };
}

export function parseNginx(text: string, path: string, options: ParseOptions = {}): ParsedNginxFile {
  const directives: NginxDirective[] = [];
  const comments: NginxComment[] = [];
  const includes: NginxDirective[] = [];
  const diagnostics: SourceDiagnostic[] = [];
  const binary = binaryDiagnostic(text, path);
  if (binary) return { file: { path, text, directives, comments }, diagnostics: [binary], includes };
  const file: NginxFile = options.comments ? { path, text, directives, comments } : withLazyComments(path, text, directives, options);

  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const lexer = new NginxLexer(text, path);
  lexer.keepComments = !!options.comments;
  /**
   * Open blocks: the directive each belongs to (null for a stray `{`) and where its children
   * start in `pending`. Children of all open blocks wait in the one `pending` array and are
   * copied out, exact size, when their block closes (no array per block grown by push).
   */
  const owners: (NginxDirective | null)[] = [];
  const starts: number[] = [];
  const pending: NginxDirective[] = [];
  /** the used part of `pending` (truncating an array through `length` is a slow runtime call) */
  let pendingLen = 0;
  let name: Token | null = null;
  /** the arguments of the statement being read: a reused scratch array (a fresh `[]` per statement would grow to 17 slots) */
  const scratch: Token[] = [];
  let argc = 0;
  /** line of a lexical error inside the statement being read (0: none) */
  let brokenLine = 0;
  /** > 0 while skipping blocks nested deeper than maxDepth */
  let skipDepth = 0;
  let templateReported = false;

  const pushDirective = (n: Token, a: Token[], endLine: number, endColumn: number, endOffset: number): NginxDirective => {
    const d: NginxDirective = new Directive(n.value, a, new NodeSpan(path, n.line, n.column, endLine, endColumn, n.offset, endOffset), n);
    if (n.quote) d.nameQuote = n.quote;
    if (d.name === 'if' && !n.quote) {
      const parsed = parseIfCondition(a, n);
      if (parsed.condition) d.condition = parsed.condition;
      if (parsed.error) diagnostics.push(parsed.error);
    } else if (d.name === 'include' && !n.quote) includes.push(d);
    if (owners.length === 0) directives.push(d);
    else pending[pendingLen++] = d;
    return d;
  };

  /**
   * Ends the statement being read at (endLine, endColumn, endOffset). A statement with a
   * lexical error that runs on to later lines keeps only what follows the broken line (nginx
   * stops at the error; a reader sees a broken line and a good one). Returns the directive,
   * or null when it was dropped.
   */
  const finish = (endLine: number, endColumn: number, endOffset: number, opensBlock: boolean): NginxDirective | null => {
    let n = name;
    let a = scratch.slice(0, argc);
    if (n && brokenLine) {
      const all = [n, ...a];
      const idx = all.findIndex((t) => t.line > brokenLine);
      if (idx > 0) {
        n = all[idx]!;
        a = all.slice(idx + 1);
      } else if (!opensBlock) {
        n = null;
      }
    }
    name = null;
    argc = 0;
    brokenLine = 0;
    if (!n) return null;
    // a missing ";": the statement runs on into a directive on a later line
    for (let cut = missingSemicolon(n, a, opensBlock); cut > 0; cut = missingSemicolon(n, a, opensBlock)) {
      const last = cut === 1 ? n : a[cut - 2]!;
      const next = a[cut - 1]!;
      const shape = directiveShape(n.value)!;
      const at: Span = { file: path, line: last.endLine, column: last.endColumn, endLine: last.endLine, endColumn: last.endColumn, offset: last.endOffset, endOffset: last.endOffset };
      diagnostics.push(
        parseError(
          opensBlock && shape.block === false
            ? `";" expected after "${last.value}": "${n.value}" takes no block, and "${next.value}" on line ${next.line} starts the next directive (nginx -t: directive "${n.value}" is not terminated by ";")`
            : `";" expected after "${last.value}": "${n.value}" takes at most ${shape.maxArgs} argument${shape.maxArgs === 1 ? '' : 's'}, and "${next.value}" on line ${next.line} starts the next directive (nginx -t: invalid number of arguments in "${n.value}" directive)`,
          at,
        ),
      );
      pushDirective(n, a.slice(0, cut - 1), last.endLine, last.endColumn, last.endOffset);
      n = next;
      a = a.slice(cut);
    }
    return pushDirective(n, a, endLine, endColumn, endOffset);
  };

  /** closes the innermost open block: its children become the owner's `block` */
  const closeBlock = (): NginxDirective | null => {
    const owner = owners.pop()!;
    const start = starts.pop()!;
    // an exact-size copy: an array grown by push keeps spare slots for the file's lifetime
    if (owner) owner.block = pending.slice(start, pendingLen);
    pendingLen = start;
    return owner;
  };

  for (;;) {
    const before = lexer.diagnostics.length;
    const kind = lexer.next();
    if (kind === WORD) {
      const tok = lexer.token!;
      if (skipDepth > 0) continue;
      if (lexer.diagnostics.length > before && !brokenLine) brokenLine = lexer.diagnostics[before]!.span.line;
      if (tok.template && !templateReported) {
        templateReported = true;
        diagnostics.push(templateDiagnostic(text, tok));
      }
      if (!name) {
        if (isTemplateStatement(tok)) continue;
        name = tok;
      } else scratch[argc++] = tok;
      continue;
    }
    if (kind === SEMI) {
      if (skipDepth > 0) continue;
      if (!name) diagnostics.push(parseError('unexpected ";"', lexer.punctSpan()));
      else finish(lexer.tokLine, lexer.tokColumn + 1, lexer.tokOffset + 1, false);
      continue;
    }
    if (kind === COMMENT) {
      const t = lexer.token;
      if (t) comments.push({ text: t.value, span: t });
      continue;
    }
    if (skipDepth > 0) {
      if (kind === OPEN) skipDepth++;
      else if (kind === CLOSE) skipDepth--;
      else if (kind === EOF) {
        diagnostics.push(fatalError('unexpected end of file, expecting "}"', lexer.punctSpan()));
        break;
      }
      continue;
    }
    if (kind === OPEN) {
      if (!name) {
        diagnostics.push(parseError('unexpected "{": a block must follow a directive name', lexer.punctSpan()));
        // read the block's content, but into nothing: it belongs to no directive
        owners.push(null);
        starts.push(pendingLen);
        continue;
      }
      const isLua = !name.quote && name.value.endsWith('_by_lua_block');
      const d = finish(lexer.tokLine, lexer.tokColumn + 1, lexer.tokOffset + 1, true);
      if (!d) continue;
      if (isLua) {
        const { body, close } = lexer.readLuaBlock(lexer.punctSpan());
        d.luaBody = body;
        d.args.push(body);
        const end = close ?? body;
        const s = d.span;
        s.endLine = end.endLine;
        s.endColumn = end.endColumn;
        s.endOffset = end.endOffset;
        continue;
      }
      if (owners.length >= maxDepth) {
        d.block = [];
        diagnostics.push(parseError(`blocks are nested more than ${maxDepth} levels deep: the content of this block was skipped`, lexer.punctSpan()));
        skipDepth = 1;
        continue;
      }
      owners.push(d);
      starts.push(pendingLen);
      continue;
    }
    if (kind === CLOSE) {
      if (name) {
        diagnostics.push(parseError(`unexpected "}": the "${name.value}" directive is not terminated by ";"`, lexer.punctSpan()));
        const last = argc ? scratch[argc - 1]! : name;
        finish(last.endLine, last.endColumn, last.endOffset, false);
      }
      if (owners.length === 0) {
        diagnostics.push(parseError('unexpected "}": there is no open block to close', lexer.punctSpan()));
        continue;
      }
      const owner = closeBlock();
      if (owner) {
        const s = owner.span;
        s.endLine = lexer.tokLine;
        s.endColumn = lexer.tokColumn + 1;
        s.endOffset = lexer.tokOffset + 1;
      }
      continue;
    }
    // EOF: a zero-width span at the end of the text
    const eof = lexer.punctSpan();
    eof.endColumn = eof.column;
    eof.endOffset = eof.offset;
    // after a string that never closes, the missing ";" and "}" are its consequence, not news
    if (name) {
      if (!lexer.unterminated) diagnostics.push(parseError(`unexpected end of file, expecting ";" or "}": the "${name.value}" directive is not terminated`, eof));
      const last = argc ? scratch[argc - 1]! : name;
      finish(last.endLine, last.endColumn, last.endOffset, false);
    }
    if (owners.length > 0 && !lexer.unterminated) {
      const open = owners[owners.length - 1]!;
      diagnostics.push(
        fatalError(
          open
            ? `unexpected end of file, expecting "}": the "${open.name}" block opened at line ${open.nameSpan.line} is never closed`
            : 'unexpected end of file, expecting "}"',
          eof,
        ),
      );
    }
    break;
  }
  // blocks that never close keep what they hold
  while (owners.length > 0) closeBlock();
  // a string or Lua block that never closes swallows the rest of the file
  for (const d of lexer.diagnostics) diagnostics.push((d.message.startsWith('unexpected end of file') ? fatalError : parseError)(d.message, d.span));
  diagnostics.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  return templateReported ? { file, diagnostics, includes, template: true } : { file, diagnostics, includes };
}

/**
 * A file whose `comments` are read by parsing the text again, with comments, on first access
 * (the same reading, Lua blocks and all): a large commented config does not keep a token per
 * comment that nothing looks at.
 */
function withLazyComments(path: string, text: string, directives: NginxDirective[], options: ParseOptions): NginxFile {
  let comments: NginxComment[] | undefined;
  return {
    path,
    text,
    directives,
    get comments(): NginxComment[] {
      return (comments ??= parseNginx(text, path, { ...options, comments: true }).file.comments);
    },
  };
}

function templateDiagnostic(text: string, tok: Token): SourceDiagnostic {
  let first = -1;
  for (const open of ['{{', '{%']) {
    const at = text.indexOf(open, tok.offset);
    if (at >= 0 && at < tok.endOffset && (first < 0 || at < first)) first = at;
  }
  if (first < 0) first = tok.offset;
  // the placeholder may sit after a newline inside the token (a multi-line quoted string)
  const lineStart = text.lastIndexOf('\n', first - 1) + 1;
  let line = tok.line;
  for (let i = text.indexOf('\n', tok.offset); i >= 0 && i < first; i = text.indexOf('\n', i + 1)) line++;
  const column = first - lineStart + 1;
  return fatalError(
    `template syntax "${text.slice(first, first + 2)}" is not nginx configuration: this file is a template (Go/Jinja); its placeholders were read as plain text, so render it and lint the result for exact findings`,
    { file: tok.file, line, column, endLine: line, endColumn: column + 2, offset: first, endOffset: first + 2 },
  );
}

/** a token with `n` characters cut from its start or end (the parentheses of an `if`); its text shared like a word's (`$request_method`) */
function trimToken(t: NginxToken, fromStart: number, fromEnd: number): NginxToken {
  const s = t.span;
  return new PartToken(
    share(t.value.slice(fromStart, t.value.length - fromEnd)),
    t.quote,
    new NodeSpan(
      s.file,
      s.line,
      s.column + fromStart,
      s.endLine,
      s.endColumn - fromEnd,
      s.offset === undefined ? undefined : s.offset + fromStart,
      s.endOffset === undefined ? undefined : s.endOffset - fromEnd,
    ),
  );
}

const COMPARE_OPS = new Set(['=', '!=', '~', '~*', '!~', '!~*']);
const FILE_OPS = new Set(['-f', '!-f', '-d', '!-d', '-e', '!-e', '-x', '!-x']);

/**
 * `if (...)` as nginx's rewrite module reads it (ngx_http_rewrite_if_condition): the first
 * argument starts with `(`, the last ends with `)`, inside is `$var`, `$var op value` or
 * `-f path`. Returns the condition and/or nginx's `invalid condition` error.
 */
export function parseIfCondition(args: NginxToken[], ifSpan: Span): { condition?: IfCondition; error?: SourceDiagnostic } {
  if (args.length === 0) {
    return { error: parseError('invalid condition: "if" needs a condition in parentheses, e.g. if ($request_method = OPTIONS) { ... }', ifSpan) };
  }
  const first = args[0]!;
  const last = args[args.length - 1]!;
  const span = spanBetween(first.span, last.span);
  if (!first.value.startsWith('(') || first.quote) {
    return { error: parseError(`invalid condition "${first.value}": the condition of "if" must be in parentheses`, first.span) };
  }
  if (!last.value.endsWith(')') || last.quote || (args.length === 1 && last.value.length < 2)) {
    return { error: parseError(`invalid condition "${last.value}": the condition of "if" must end with ")"`, last.span) };
  }
  const items = args.slice();
  if (first.value === '(') items.shift();
  else items[0] = trimToken(first, 1, 0);
  const lastIdx = items.length - 1;
  const lastItem = items[lastIdx]!;
  if (lastItem.value === ')' && lastItem !== first) items.pop();
  else items[lastIdx] = trimToken(lastItem, 0, 1);
  const head = items[0];
  if (!head) return { error: parseError('invalid condition "()": the condition of "if" is empty', span) };

  if (FILE_OPS.has(head.value) && !head.quote) {
    const path = items[1];
    const condition: IfCondition = new Condition(path ? path.value : '', head.value as IfCondition['operator'], span);
    if (items.length !== 2) return { condition, error: parseError(`invalid condition "${head.value}": it needs exactly one path`, head.span) };
    return { condition };
  }
  let variable = head.value;
  let negated = false;
  if (variable.startsWith('!$')) {
    negated = true;
    variable = variable.slice(1);
  }
  const condition: IfCondition = new Condition(variable, '', span);
  if (negated) condition.negated = true;
  if (items.length >= 2) {
    const op = items[1]!;
    if (COMPARE_OPS.has(op.value)) condition.operator = op.value as IfCondition['operator'];
    if (items[2]) condition.operand = items[2];
    if (!COMPARE_OPS.has(op.value) || op.quote) {
      return { condition, error: parseError(`unexpected "${op.value}" in condition: nginx expects =, !=, ~, ~*, !~ or !~*`, op.span) };
    }
  }
  if (negated) {
    return {
      condition,
      error: parseError(`invalid condition "${head.value}": nginx has no "!" for variables; use ($var = "") or a map`, head.span),
    };
  }
  if (!(variable.length > 1 && variable.startsWith('$'))) {
    return { condition, error: parseError(`invalid condition "${head.value}": expected a $variable or -f/-d/-e/-x`, head.span) };
  }
  if (items.length !== 1 && items.length !== 3) {
    return { condition, error: parseError(`invalid condition "${head.value}": expected ($var), ($var operator value) or (-f path)`, head.span) };
  }
  return { condition };
}
