/**
 * The nginx lexer: one pass over the text, tokens pulled one at a time, every token with its
 * exact span (1-based line/column in UTF-16 units, end exclusive, 0-based offsets).
 *
 * Tokenization follows nginx's own `ngx_conf_read_token` (crossplane agrees on the common
 * cases): whitespace is space, tab, CR and LF only; quotes open a string only at the start of
 * a token; `\` escapes the next character anywhere; `{` right after `$` stays inside the token
 * (`${var}`); `;` and `{` end an unquoted token, but `}` and `#` are literal inside one; `#`
 * starts a comment only at a token start; after a closing quote nginx requires a space, `;`,
 * `{` or `)` and fails with `unexpected "x"` otherwise.
 *
 * Two extensions: `*_by_lua_block { ... }` bodies are read by the parser through
 * `readLuaBlock` (Lua strings, long brackets and comments may hold braces), and template
 * placeholders (`{{ ... }}`, `{% ... %}` of Go templates / Jinja) are kept inside a word and
 * flagged, so templates degrade into one clean finding instead of a cascade of brace errors.
 */
import type { Span } from '../../model/types.js';

export type LexTokenKind = 'word' | ';' | '{' | '}' | 'comment' | 'eof';

/** token kinds as `NginxLexer.next()` returns them (numbers: the hot loop allocates nothing for punctuation) */
export const WORD = 1;
export const SEMI = 2;
export const OPEN = 3;
export const CLOSE = 4;
export const COMMENT = 5;
export const EOF = 6;

/**
 * A word (or comment) token. It is its own span: `span` returns the token itself, so a
 * config of a million tokens costs a million objects, not two million (the parser is
 * bound by allocation, not by scanning).
 */
export class Token implements Span {
  /** word: the value after quote removal and nginx's unescaping; comment: the text after `#` */
  value: string;
  quote: '"' | "'" | null;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  offset: number;
  endOffset: number;
  /**
   * the word contains template syntax (`{{ }}` / `{% %}`): false on the prototype, an own
   * field only on the rare template token (one field less on every other token)
   */
  declare template: boolean;

  constructor(value: string, quote: '"' | "'" | null, file: string, line: number, column: number, endLine: number, endColumn: number, offset: number, endOffset: number) {
    this.value = value;
    this.quote = quote;
    this.file = file;
    this.line = line;
    this.column = column;
    this.endLine = endLine;
    this.endColumn = endColumn;
    this.offset = offset;
    this.endOffset = endOffset;
  }

  get span(): Span {
    return this;
  }
}
Token.prototype.template = false;

/** a token as `lex()` lists them (tests and tools) */
export interface LexToken {
  kind: LexTokenKind;
  value: string;
  quote: '"' | "'" | null;
  span: Span;
  template?: boolean;
}

export interface LexDiagnostic {
  message: string;
  span: Span;
}

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const DQUOTE = 34;
const HASH = 35;
const DOLLAR = 36;
const PERCENT = 37;
const SQUOTE = 39;
const RPAREN = 41;
const DASH = 45;
const SEMICOLON = 59;
const EQUALS = 61;
const LBRACKET = 91;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;

function isSpace(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR;
}

/** nginx's unescaping of a token's characters: `\"` `\'` `\\` lose the backslash, `\t` `\r` `\n` become controls, any other pair stays. */
export function unescapeNginx(raw: string): string {
  if (raw.indexOf('\\') < 0) return raw;
  const parts: string[] = [];
  let from = 0;
  let i = raw.indexOf('\\');
  while (i >= 0 && i < raw.length - 1) {
    const n = raw.charCodeAt(i + 1);
    let rep: string | undefined;
    if (n === DQUOTE || n === SQUOTE || n === BACKSLASH) rep = raw[i + 1];
    else if (n === 116) rep = '\t';
    else if (n === 114) rep = '\r';
    else if (n === 110) rep = '\n';
    if (rep !== undefined) {
      parts.push(raw.slice(from, i), rep);
      from = i + 2;
    }
    // an escaped character is never itself an escape start
    i = raw.indexOf('\\', i + 2);
  }
  parts.push(raw.slice(from));
  return parts.join('');
}

/** whitespace run (newlines included: lines are counted separately, see `NginxLexer.sync`) */
const WS_RUN = /[ \t\r\n]*/y;
/** the plain part of an unquoted word: up to whitespace, `;`, `{` (maybe `${`, maybe a template) or `\` */
const WORD_RUN = /[^ \t\r\n;{\\]*/y;
/** the plain part of a quoted string: up to its quote, `\` or `{` (maybe a template) */
const DQ_RUN = /[^"\\{]*/y;
const SQ_RUN = /[^'\\{]*/y;

/** the end of the match of a sticky, always-matching run pattern at `at` */
function runEnd(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  re.test(text);
  return re.lastIndex;
}

/** words longer than this are not shared (long texts rarely repeat) */
const SHARED_MAX = 64;
const SHARED_SLOTS = 4096;
/**
 * Recently read words by a cheap hash of their characters (for all files of a run). Configs
 * repeat the same directive names and arguments thousands of times (`add_header`, `always`,
 * `$http_origin`): one string for all of them, instead of a copy per token, keeps a large tree
 * smaller for the garbage collector, and every later Map lookup or comparison by that text
 * meets the very same string (a character comparison per lookup otherwise).
 */
const shared: string[] = new Array<string>(SHARED_SLOTS).fill('');

/** `value`, or an earlier word with the same text (see `shared`) */
export function share(value: string): string {
  const len = value.length;
  if (len > SHARED_MAX || len === 0) return value;
  const slot = (len * 31 + value.charCodeAt(0) * 7 + value.charCodeAt(len >> 1) * 3 + value.charCodeAt(len - 1)) & (SHARED_SLOTS - 1);
  const known = shared[slot]!;
  if (known === value) return known;
  shared[slot] = value;
  return value;
}

export class NginxLexer {
  readonly text: string;
  readonly file: string;
  readonly diagnostics: LexDiagnostic[] = [];
  private pos = 0;
  /** line bookkeeping (see `sync`): the line of `lineStart`, and the first newline at or after it */
  private line = 1;
  private lineStart = 0;
  private nextNL: number;
  /** the current token: the word or comment (WORD, COMMENT) */
  token: Token | null = null;
  /** the current token's start (all kinds; punctuation is one character long) */
  tokOffset = 0;
  tokLine = 1;
  tokColumn = 1;
  /** a quoted string ran to the end of the file (what follows it is no longer nginx's reading) */
  unterminated = false;
  /** false: a comment is skipped (COMMENT with no `token`), for readers that do not look at comments */
  keepComments = true;

  constructor(text: string, file: string) {
    this.text = text;
    this.file = file;
    const nl = text.indexOf('\n');
    this.nextNL = nl < 0 ? text.length : nl;
  }

  /**
   * Line bookkeeping up to `pos` (never behind an earlier call): counts the newlines before it
   * with `indexOf`, so the scanning loops and patterns never look for newlines themselves.
   */
  private sync(pos: number): void {
    let nl = this.nextNL;
    if (nl >= pos) return;
    const text = this.text;
    let line = this.line;
    do {
      line++;
      this.lineStart = nl + 1;
      nl = text.indexOf('\n', nl + 1);
      if (nl < 0) nl = text.length;
    } while (nl < pos);
    this.line = line;
    this.nextNL = nl;
  }

  /** a token from a start position to `end` (the lexer's position) */
  private tokenTo(value: string, quote: '"' | "'" | null, offset: number, line: number, column: number, end: number): Token {
    if (this.nextNL < end) this.sync(end);
    return new Token(value, quote, this.file, line, column, this.line, end - this.lineStart + 1, offset, end);
  }

  /** the span of the current punctuation token */
  punctSpan(): Span {
    const o = this.tokOffset;
    return { file: this.file, line: this.tokLine, column: this.tokColumn, endLine: this.tokLine, endColumn: this.tokColumn + 1, offset: o, endOffset: o + 1 };
  }

  /** a span of one character at an offset (at or after everything read so far) */
  private charSpan(offset: number): Span {
    this.sync(offset);
    const column = offset - this.lineStart + 1;
    return { file: this.file, line: this.line, column, endLine: this.line, endColumn: column + 1, offset, endOffset: offset + 1 };
  }

  /** the position just past the end of the text (for end-of-file errors) */
  eofSpan(): Span {
    const len = this.text.length;
    this.sync(len);
    const column = len - this.lineStart + 1;
    return { file: this.file, line: this.line, column, endLine: this.line, endColumn: column, offset: len, endOffset: len };
  }

  private error(message: string, span: Span): void {
    this.diagnostics.push({ message, span });
  }

  /** end offset (exclusive) of a template placeholder starting at `at` (`{{` or `{%`), or -1 */
  private templateEnd(at: number): number {
    const n = this.text.charCodeAt(at + 1);
    const close = n === LBRACE ? '}}' : n === PERCENT ? '%}' : '';
    if (!close) return -1;
    const end = this.text.indexOf(close, at + 2);
    return end < 0 ? -1 : end + 2;
  }

  /**
   * Reads the next token and returns its kind (WORD, SEMI, OPEN, CLOSE, COMMENT, EOF); see
   * `token` and `tok*`. The runs of plain characters are matched by sticky patterns: native
   * code from the first call, where a per-character loop would run interpreted until the JIT
   * has compiled it (a large part of a single CLI run).
   */
  next(): number {
    const text = this.text;
    let pos = this.pos;
    let c = text.charCodeAt(pos);
    if (c === SPACE || c === LF || c === TAB || c === CR) {
      c = text.charCodeAt(++pos);
      if (c === SPACE || c === LF || c === TAB || c === CR) {
        pos = runEnd(WS_RUN, text, pos);
        c = text.charCodeAt(pos);
      }
    }
    if (this.nextNL < pos) this.sync(pos);
    const line = this.line;
    const column = pos - this.lineStart + 1;
    this.tokOffset = pos;
    this.tokLine = line;
    this.tokColumn = column;
    this.token = null;
    if (pos >= text.length) {
      this.pos = pos;
      return EOF;
    }
    if (c === SEMICOLON) {
      this.pos = pos + 1;
      return SEMI;
    }
    if (c === RBRACE) {
      this.pos = pos + 1;
      return CLOSE;
    }
    if (c === LBRACE && this.templateEnd(pos) < 0) {
      this.pos = pos + 1;
      return OPEN;
    }
    if (c === HASH) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      this.pos = end;
      if (!this.keepComments) return COMMENT;
      let textEnd = end;
      if (textEnd > pos && text.charCodeAt(textEnd - 1) === CR) textEnd--;
      this.token = new Token(text.slice(pos + 1, textEnd), null, this.file, line, column, line, column + textEnd - pos, pos, textEnd);
      return COMMENT;
    }
    this.token = c === DQUOTE || c === SQUOTE ? this.quoted(c, pos, line, column) : this.word(pos, line, column);
    return WORD;
  }

  private quoted(q: number, start: number, line: number, column: number): Token {
    const text = this.text;
    const len = text.length;
    const run = q === DQUOTE ? DQ_RUN : SQ_RUN;
    let pos = start + 1;
    let escaped = false;
    let closed = false;
    let template = false;
    for (;;) {
      pos = runEnd(run, text, pos);
      const c = text.charCodeAt(pos);
      if (c === q) {
        closed = true;
        break;
      }
      if (c === BACKSLASH) {
        // the escaped character, whatever it is, belongs to the string
        escaped = true;
        pos = pos + 2 > len ? len : pos + 2;
        continue;
      }
      if (c !== LBRACE) break; // the end of the text
      if (text.charCodeAt(pos + 1) === LBRACE) {
        // a one-line template placeholder holding this quote (`'{{ x|join("', '") }}'`) is opaque
        const end = text.indexOf('}}', pos + 2);
        const nl = text.indexOf('\n', pos);
        if (end >= 0 && (nl < 0 || end < nl) && text.slice(pos, end).includes(String.fromCharCode(q))) {
          template = true;
          pos = end + 2;
          continue;
        }
      }
      pos++;
    }
    const value = share(escaped ? unescapeNginx(text.slice(start + 1, pos)) : text.slice(start + 1, pos));
    const quote = q === DQUOTE ? '"' : "'";
    if (!closed) {
      this.pos = pos;
      this.unterminated = true;
      const tok = this.tokenTo(value, quote, start, line, column, pos);
      this.error(`unexpected end of file: the ${quote === '"' ? 'double' : 'single'}-quoted string opened at line ${line}, column ${column} is never closed`, {
        file: this.file,
        line,
        column,
        endLine: line,
        endColumn: column + 1,
        offset: start,
        endOffset: start + 1,
      });
      if (template) tok.template = true;
      return tok;
    }
    pos++; // the closing quote
    this.pos = pos;
    const tok = this.tokenTo(value, quote, start, line, column, pos);
    if (pos < len) {
      const n = text.charCodeAt(pos);
      if (!isSpace(n) && n !== SEMICOLON && n !== LBRACE && n !== RPAREN) {
        const ch = text[pos];
        this.error(
          `unexpected "${ch}": a quoted parameter must be followed by a space, ";" or "{" (the quote closed at column ${tok.endColumn - 1} ends the parameter)`,
          this.charSpan(pos),
        );
      }
    }
    if (template) tok.template = true;
    return tok;
  }

  private word(start: number, line: number, column: number): Token {
    const text = this.text;
    let pos = runEnd(WORD_RUN, text, start);
    let c = text.charCodeAt(pos);
    let escaped = false;
    let template = false;
    if (c === LBRACE || c === BACKSLASH) {
      const len = text.length;
      /** where the current run of plain characters started (a `$` before a `{` counts only inside it) */
      let runStart = start;
      for (;;) {
        if (c === LBRACE) {
          if (pos > runStart && text.charCodeAt(pos - 1) === DOLLAR) {
            // `${var}`: the brace stays in the word
            pos++;
          } else {
            const end = this.templateEnd(pos);
            if (end < 0) break;
            template = true;
            pos = end;
          }
        } else if (c === BACKSLASH) {
          escaped = true;
          pos = pos + 2 > len ? len : pos + 2;
        } else break;
        runStart = pos;
        pos = runEnd(WORD_RUN, text, pos);
        c = text.charCodeAt(pos);
      }
    }
    this.pos = pos;
    const value = share(escaped ? unescapeNginx(text.slice(start, pos)) : text.slice(start, pos));
    const tok = this.tokenTo(value, null, start, line, column, pos);
    if (template) tok.template = true;
    return tok;
  }

  /**
   * Reads the body of a `*_by_lua_block` after its `{`: Lua strings ('..', "..", [[..]],
   * [==[..]==]) and comments (--, --[[..]]) may hold braces. Returns the body (raw text) and
   * the closing `}`, or `close: null` at end of file (reported).
   */
  readLuaBlock(open: Span): { body: Token; close: Span | null } {
    const text = this.text;
    const len = text.length;
    const start = this.pos;
    this.sync(start);
    const line = this.line;
    const column = start - this.lineStart + 1;
    let pos = start;
    let depth = 1;
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if (c === LBRACE) {
        depth++;
        pos++;
      } else if (c === RBRACE) {
        depth--;
        if (depth === 0) {
          this.pos = pos + 1;
          const body = this.tokenTo(text.slice(start, pos), null, start, line, column, pos);
          const cc = pos - this.lineStart + 1;
          return { body, close: { file: this.file, line: this.line, column: cc, endLine: this.line, endColumn: cc + 1, offset: pos, endOffset: pos + 1 } };
        }
        pos++;
      } else if (c === DQUOTE || c === SQUOTE) {
        pos++;
        while (pos < len) {
          const d = text.charCodeAt(pos);
          if (d === BACKSLASH) {
            pos = pos + 2 > len ? len : pos + 2;
            continue;
          }
          if (d === c || d === LF) break; // a Lua short string cannot span lines
          pos++;
        }
        if (pos < len) pos++;
      } else if (c === DASH && text.charCodeAt(pos + 1) === DASH) {
        pos += 2;
        const longEnd = this.longBracketEnd(pos);
        if (longEnd >= 0) pos = longEnd;
        else {
          const nl = text.indexOf('\n', pos);
          pos = nl < 0 ? len : nl;
        }
      } else if (c === LBRACKET) {
        const longEnd = this.longBracketEnd(pos);
        pos = longEnd >= 0 ? longEnd : pos + 1;
      } else {
        pos++;
      }
    }
    this.pos = pos;
    const body = this.tokenTo(text.slice(start, pos), null, start, line, column, pos);
    this.error(`unexpected end of file, expecting "}" to close the Lua block opened at line ${open.line}, column ${open.column}`, this.eofSpan());
    return { body, close: null };
  }

  /** for `[[` / `[==[` at `at`: the offset after the matching `]]` / `]==]` (or the text end); -1 when not a long bracket */
  private longBracketEnd(at: number): number {
    const text = this.text;
    if (text.charCodeAt(at) !== LBRACKET) return -1;
    let i = at + 1;
    while (text.charCodeAt(i) === EQUALS) i++;
    if (text.charCodeAt(i) !== LBRACKET) return -1;
    const close = ']' + '='.repeat(i - at - 1) + ']';
    const end = text.indexOf(close, i + 1);
    return end < 0 ? text.length : end + close.length;
  }
}

const PUNCT: Record<number, LexTokenKind> = { [SEMI]: ';', [OPEN]: '{', [CLOSE]: '}', [EOF]: 'eof' };

/** All tokens of a text (comments included), ending with `eof`; for tests and tools. */
export function lex(text: string, file = '<input>'): { tokens: LexToken[]; diagnostics: LexDiagnostic[] } {
  const lexer = new NginxLexer(text, file);
  const tokens: LexToken[] = [];
  for (;;) {
    const k = lexer.next();
    const t = lexer.token;
    if (t) {
      const out: LexToken = { kind: k === COMMENT ? 'comment' : 'word', value: t.value, quote: t.quote, span: t.span };
      if (t.template) out.template = true;
      tokens.push(out);
    } else {
      const kind = PUNCT[k]!;
      const span = lexer.punctSpan();
      if (kind === 'eof') {
        span.endColumn = span.column;
        span.endOffset = span.offset;
      }
      tokens.push({ kind, value: kind === 'eof' ? '' : kind, quote: null, span });
    }
    if (k === EOF) break;
  }
  return { tokens, diagnostics: lexer.diagnostics };
}
