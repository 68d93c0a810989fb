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

/** longest value `NginxLexer.intern` shares (longer ones are rarely repeated) */
const INTERN_MAX = 63;

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

export class NginxLexer {
  readonly text: string;
  readonly file: string;
  readonly diagnostics: LexDiagnostic[] = [];
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  /** the current token: the word or comment (WORD, COMMENT) */
  token: Token | null = null;
  /** the current token's start (all kinds; punctuation is one character long) */
  tokOffset = 0;
  tokLine = 1;
  tokColumn = 1;
  /** a quoted string ran to the end of the file (what follows it is no longer nginx's reading) */
  unterminated = false;
  /** see `intern` (a small text shares nothing: the cache would cost more than it saves) */
  private readonly cache: (string | undefined)[];
  private readonly internMax: number;

  constructor(text: string, file: string) {
    this.text = text;
    this.file = file;
    this.internMax = text.length < 4096 ? 0 : INTERN_MAX;
    this.cache = new Array<string | undefined>((this.internMax + 1) << 7);
  }

  /** a token from a start position to the current position */
  private tokenFrom(value: string, quote: '"' | "'" | null, offset: number, line: number, column: number): Token {
    return new Token(value, quote, this.file, line, column, this.line, this.pos - this.lineStart + 1, offset, this.pos);
  }

  /** the span of the current punctuation token */
  punctSpan(): Span {
    const o = this.tokOffset;
    return { file: this.file, line: this.tokLine, column: this.tokColumn, endLine: this.tokLine, endColumn: this.tokColumn + 1, offset: o, endOffset: o + 1 };
  }

  /** a span of one character at an offset on the current line */
  private charSpan(offset: number): Span {
    const column = offset - this.lineStart + 1;
    return { file: this.file, line: this.line, column, endLine: this.line, endColumn: column + 1, offset, endOffset: offset + 1 };
  }

  /** the position just past the end of the text (for end-of-file errors) */
  eofSpan(): Span {
    const text = this.text;
    let line = 1;
    let lineStart = 0;
    // usually already there: the lexer has consumed everything
    if (this.pos >= text.length) {
      line = this.line;
      lineStart = this.lineStart;
    } else {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
        line++;
        lineStart = i + 1;
      }
    }
    const column = text.length - lineStart + 1;
    return { file: this.file, line, column, endLine: line, endColumn: column, offset: text.length, endOffset: text.length };
  }

  private error(message: string, span: Span): void {
    this.diagnostics.push({ message, span });
  }

  /** advances over one character, keeping line bookkeeping when it is a newline */
  private advance(c: number): void {
    this.pos++;
    if (c === LF) {
      this.line++;
      this.lineStart = this.pos;
    }
  }

  /** end offset (exclusive) of a template placeholder starting at `at` (`{{` or `{%`), or -1 */
  private templateEnd(at: number): number {
    const n = this.text.charCodeAt(at + 1);
    const close = n === LBRACE ? '}}' : n === PERCENT ? '%}' : '';
    if (!close) return -1;
    const end = this.text.indexOf(close, at + 2);
    return end < 0 ? -1 : end + 2;
  }

  /** consumes text up to `end`, counting newlines */
  private skipTo(end: number): void {
    const text = this.text;
    for (let i = text.indexOf('\n', this.pos); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
      this.line++;
      this.lineStart = i + 1;
    }
    this.pos = end;
  }

  /**
   * A string of the text, shared with earlier equal ones: configs repeat the same names and
   * values thousands of times (`add_header`, `always`, `$http_origin`), and one string per
   * distinct short value keeps the tree small (a fresh copy per token doubles its strings) and
   * lets later Map lookups reuse the string's cached hash. A direct-mapped cache (one slot per
   * length and last character): a collision only costs a fresh slice.
   */
  private intern(start: number, end: number): string {
    const text = this.text;
    const n = end - start;
    if (n > this.internMax || n === 0) return text.slice(start, end);
    // the slot: the length and the last character (constant time: a hash over every character
    // costs more than it saves while the code still runs unoptimized); a collision costs a slice
    const cache = this.cache;
    const slot = (n << 7) | (text.charCodeAt(end - 1) & 127);
    const hit = cache[slot];
    if (hit !== undefined && hit.length === n && text.startsWith(hit, start)) return hit;
    const s = text.slice(start, end);
    cache[slot] = s;
    return s;
  }

  /** reads the next token and returns its kind (WORD, SEMI, OPEN, CLOSE, COMMENT, EOF); see `token` and `tok*` */
  next(): number {
    const text = this.text;
    const len = text.length;
    // whitespace
    let pos = this.pos;
    let c = 0;
    while (pos < len) {
      c = text.charCodeAt(pos);
      if (c === SPACE || c === TAB || c === CR) pos++;
      else if (c === LF) {
        pos++;
        this.line++;
        this.lineStart = pos;
      } else break;
    }
    const line = this.line;
    const column = pos - this.lineStart + 1;
    this.tokOffset = pos;
    this.tokLine = line;
    this.tokColumn = column;
    this.token = null;
    if (pos >= len) {
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
    if (c === LBRACE && !this.templateAt(pos)) {
      this.pos = pos + 1;
      return OPEN;
    }
    if (c === HASH) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = len;
      let textEnd = end;
      if (textEnd > pos && text.charCodeAt(textEnd - 1) === CR) textEnd--;
      this.pos = end;
      this.token = new Token(text.slice(pos + 1, textEnd), null, this.file, line, column, line, textEnd - this.lineStart + 1, pos, textEnd);
      return COMMENT;
    }
    this.token = c === DQUOTE || c === SQUOTE ? this.quoted(c, pos, line, column) : this.word(pos, line, column);
    return WORD;
  }

  /** a template placeholder (`{{ ... }}` / `{% ... %}`) starts at `at` and closes */
  private templateAt(at: number): boolean {
    const n = this.text.charCodeAt(at + 1);
    return (n === LBRACE || n === PERCENT) && this.templateEnd(at) >= 0;
  }

  private quoted(q: number, start: number, line: number, column: number): Token {
    const text = this.text;
    const len = text.length;
    let pos = start + 1;
    let escaped = false;
    let closed = false;
    let template = false;
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if (c === q) {
        closed = true;
        break;
      }
      if (c === LF) {
        pos++;
        this.line++;
        this.lineStart = pos;
        continue;
      }
      if (c === BACKSLASH) {
        escaped = true;
        pos++;
        if (pos < len) {
          if (text.charCodeAt(pos) === LF) {
            this.line++;
            this.lineStart = pos + 1;
          }
          pos++;
        }
        continue;
      }
      if (c === LBRACE && text.charCodeAt(pos + 1) === LBRACE) {
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
    this.pos = pos;
    const value = escaped ? unescapeNginx(text.slice(start + 1, pos)) : template ? text.slice(start + 1, pos) : this.intern(start + 1, pos);
    const quote = q === DQUOTE ? '"' : "'";
    if (!closed) {
      this.unterminated = true;
      const tok = this.tokenFrom(value, quote, start, line, column);
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
    const tok = this.tokenFrom(value, quote, start, line, column);
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
    const len = text.length;
    let pos = start;
    let escaped = false;
    let template = false;
    let afterDollar = false;
    while (pos < len) {
      const c = text.charCodeAt(pos);
      // the common case first: a character that is none of \t \n \r space ; { \ $
      if (c > DOLLAR ? c !== SEMICOLON && c !== LBRACE && c !== BACKSLASH : c > SPACE && c !== DOLLAR) {
        afterDollar = false;
        pos++;
        continue;
      }
      if (c === SPACE || c === LF || c === TAB || c === CR || c === SEMICOLON) break;
      if (c === DOLLAR) {
        afterDollar = true;
        pos++;
        continue;
      }
      if (c === LBRACE) {
        if (afterDollar) {
          afterDollar = false;
          pos++;
          continue;
        }
        const end = this.templateEnd(pos);
        if (end < 0) break;
        template = true;
        this.pos = pos;
        this.skipTo(end);
        pos = end;
        continue;
      }
      if (c === BACKSLASH) {
        escaped = true;
        afterDollar = false;
        pos++;
        if (pos < len) {
          if (text.charCodeAt(pos) === LF) {
            this.line++;
            this.lineStart = pos + 1;
          }
          pos++;
        }
        continue;
      }
      // any other control character is part of the word
      afterDollar = false;
      pos++;
    }
    this.pos = pos;
    const value = escaped ? unescapeNginx(text.slice(start, pos)) : template ? text.slice(start, pos) : this.intern(start, pos);
    const tok = this.tokenFrom(value, null, start, line, column);
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
    const line = this.line;
    const column = start - this.lineStart + 1;
    let depth = 1;
    while (this.pos < len) {
      const c = text.charCodeAt(this.pos);
      if (c === LBRACE) {
        depth++;
        this.pos++;
      } else if (c === RBRACE) {
        depth--;
        if (depth === 0) {
          const body = this.tokenFrom(text.slice(start, this.pos), null, start, line, column);
          const cs = this.pos;
          const cc = cs - this.lineStart + 1;
          this.pos++;
          return { body, close: { file: this.file, line: this.line, column: cc, endLine: this.line, endColumn: cc + 1, offset: cs, endOffset: cs + 1 } };
        }
        this.pos++;
      } else if (c === DQUOTE || c === SQUOTE) {
        this.pos++;
        while (this.pos < len) {
          const d = text.charCodeAt(this.pos);
          if (d === BACKSLASH) {
            this.pos++;
            if (this.pos < len) this.advance(text.charCodeAt(this.pos));
            continue;
          }
          if (d === c || d === LF) break; // a Lua short string cannot span lines
          this.pos++;
        }
        if (this.pos < len) this.advance(text.charCodeAt(this.pos));
      } else if (c === DASH && text.charCodeAt(this.pos + 1) === DASH) {
        this.pos += 2;
        const longEnd = this.longBracketEnd(this.pos);
        if (longEnd >= 0) this.skipTo(longEnd);
        else {
          const nl = text.indexOf('\n', this.pos);
          this.pos = nl < 0 ? len : nl;
        }
      } else if (c === LBRACKET) {
        const longEnd = this.longBracketEnd(this.pos);
        if (longEnd >= 0) this.skipTo(longEnd);
        else this.pos++;
      } else {
        this.advance(c);
      }
    }
    const body = this.tokenFrom(text.slice(start, this.pos), null, start, line, column);
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
