/**
 * A fast reader for the YAML that templates are written in: block mappings and sequences,
 * single-line plain scalars, quoted scalars, tags (`!Ref X`, `!If` over a block), one-line or
 * multi-line flow collections and block scalars (`|`, `>-`). It produces the same event stream
 * as js-yaml's `parseEvents` (same offsets and styles), sent straight to the tree builder without
 * allocating events, so the positioned tree is the same whichever reader ran.
 *
 * It reads only what it is sure of: anchors, aliases, explicit keys, multi-line plain scalars,
 * under-indented quoted lines, tabs, CR line ends, directives, several documents and anything
 * malformed make it give up (false), and the caller runs js-yaml's parser, which also reports
 * the errors. A test
 * compares both readers on fixtures, generated templates and mutated inputs.
 */
import { Buffer } from 'node:buffer';
import type { YamlSink } from './yaml-positions.js';

// js-yaml's collection event ids, scalar styles and chomping modes.
const SEQUENCE = 2;
const MAPPING = 3;
const PLAIN = 1;
const SINGLE = 2;
const DOUBLE = 3;
const LITERAL = 4;
const FOLDED = 5;
const CLIP = 1;
const STRIP = 2;
const KEEP = 3;

// js-yaml's own test for characters YAML forbids (it reports them; this reader leaves such texts to it):
// these control characters, or a lone surrogate (its two other alternatives), which `isWellFormed` finds
// without a regex (and at once in a one-byte string).
// eslint-disable-next-line no-control-regex
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]/g;
/** The ASCII characters this reader leaves to js-yaml: controls but the line feed (tab and CR among them), and DEL. */
const CONTROL_CHARACTERS = [...Array(32).keys(), 127].filter((c) => c !== 10).map((c) => String.fromCharCode(c));
/** Anything but printable ASCII and line feeds: a short character class the regex engine scans quickly. */
const NOT_PLAIN_ASCII = /[^\n -~]/;
const hasLoneSurrogate = (text: string) => !(text as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * Whether the text holds a character this reader leaves to js-yaml: a tab, a CR, a character YAML
 * forbids or a lone surrogate. Most templates are ASCII throughout, which leaves only control
 * characters to look for; otherwise the forbidden-character search only runs from the first
 * character that is not printable ASCII on.
 */
function hasUnreadCharacters(text: string): boolean {
  if (Buffer.byteLength(text, 'utf8') === text.length) {
    // ASCII throughout (a native count): only control characters can be left, each found by a
    // native search (`memchr`), together several times faster than the regex's scan of the text.
    for (const c of CONTROL_CHARACTERS) if (text.includes(c)) return true;
    return false;
  }
  const other = text.search(NOT_PLAIN_ASCII);
  if (other === -1) return false;
  if (text.includes('\t', other) || text.includes('\r', other)) return true;
  NON_PRINTABLE.lastIndex = other;
  return NON_PRINTABLE.test(text) || hasLoneSurrogate(text);
}
/** Tags this reader accepts: `!Name`, `!!name` (js-yaml validates others, and reports errors); `/^!!?[A-Za-z0-9_][A-Za-z0-9_.:-]*$/` without slicing the tag. */
function isSimpleTag(src: string, start: number, end: number): boolean {
  let p = start + 1;
  if (src.charCodeAt(p) === 33) p++;
  if (p >= end) return false;
  for (let first = true; p < end; p++, first = false) {
    const c = src.charCodeAt(p);
    const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (!word && (first || !(c === 46 || c === 58 || c === 45))) return false;
  }
  return true;
}
const MAX_DEPTH = 100;

class GiveUp {}
const GIVE_UP = new GiveUp();

/**
 * Sends the events of `text` to `sink` and returns true, or returns false when the text needs
 * js-yaml's full parser (the sink then holds a partial document and is to be dropped).
 */
export function readFastYaml(text: string, sink: YamlSink): boolean {
  if (text.charCodeAt(0) === 0xfeff || hasUnreadCharacters(text)) return false;
  try {
    new Reader(text, sink).document();
    return true;
  } catch (err) {
    if (err === GIVE_UP) return false;
    throw err;
  }
}

const isSpaceOrEnd = (c: number) => c === 32 || c === 10 || Number.isNaN(c);
const isFlowIndicator = (c: number) => c === 44 || c === 91 || c === 93 || c === 123 || c === 125;

/**
 * The next occurrence of one character at or after an offset, by `indexOf`, remembering the last
 * answer: the reader moves forward through the text, so each stretch is searched about once.
 */
class NextChar {
  /** no `ch` in `[searchedFrom, found)`; `ch` at `found` (the text's length: none) */
  private searchedFrom = 1;
  private found = 0;
  constructor(
    private readonly src: string,
    private readonly ch: string,
  ) {}
  from(p: number): number {
    if (p >= this.searchedFrom && p <= this.found) return this.found;
    const i = this.src.indexOf(this.ch, p);
    this.searchedFrom = p;
    this.found = i === -1 ? this.src.length : i;
    return this.found;
  }
}

class Reader {
  private pos = 0;
  /** column of the content at `pos` after `nextLine`, -1 at the end of the text */
  private indent = -1;
  /** start of the line `nextLine` moved to */
  private lineStart = 0;
  private depth = 0;
  private readonly len: number;
  /** set by `keyAhead` for a plain key: where the key at `aheadAt` stops (read again by `blockMapping`) */
  private aheadAt = -1;
  private aheadStop = -1;
  /** set by `quotedEnd`: the quoted scalar's value is its text between the quotes (no line break, escape or `''`) */
  private quotedIsVerbatim = false;
  private readonly newlines: NextChar;
  private readonly colons: NextChar;
  private readonly hashes: NextChar;

  constructor(
    private readonly src: string,
    private readonly sink: YamlSink,
  ) {
    this.len = src.length;
    this.newlines = new NextChar(src, '\n');
    this.colons = new NextChar(src, ':');
    this.hashes = new NextChar(src, '#');
  }

  private giveUp(): never {
    throw GIVE_UP;
  }

  document(): void {
    const src = this.src;
    this.pos = 0;
    this.nextLine();
    if (this.indent === 0 && this.markerAt(this.pos)) {
      // Only a leading `---` alone on its line (after comments) is read here; `blockMapping` gives
      // up on any other marker.
      if (src.charCodeAt(this.pos) !== 45) this.giveUp();
      this.pos += 3;
      this.endOfLine();
    }
    if (this.indent !== 0) this.giveUp();
    this.sink.document();
    if (!this.keyAhead()) this.giveUp();
    this.blockMapping(0, -1, -1);
    if ((this.indent as number) !== -1) this.giveUp();
    this.sink.pop();
  }

  /** Whether a document marker (`---` or `...`, then white space or the end) starts at `p`. */
  private markerAt(p: number): boolean {
    const src = this.src;
    const c = src.charCodeAt(p);
    return (c === 45 || c === 46) && src.charCodeAt(p + 1) === c && src.charCodeAt(p + 2) === c && isSpaceOrEnd(src.charCodeAt(p + 3));
  }

  // ---- lines ----

  /** At the end of a token: only spaces and a comment may remain on the line; then moves to the next content line. */
  private endOfLine() {
    const src = this.src;
    let p = this.pos;
    const before = p;
    while (src.charCodeAt(p) === 32) p++;
    const c = src.charCodeAt(p);
    if (c === 35) {
      // a comment needs white space (or the line start) before it
      if (p === before && p > 0 && src.charCodeAt(p - 1) !== 10 && src.charCodeAt(p - 1) !== 32) this.giveUp();
      const nl = src.indexOf('\n', p);
      p = nl === -1 ? this.len : nl;
    } else if (c !== 10 && p < this.len) {
      this.giveUp();
    }
    this.pos = p < this.len ? p + 1 : this.len;
    this.nextLine();
  }

  /**
   * At a line start: skips blank and comment-only lines, moves to the first content character of
   * the next content line and sets `indent` (-1 at the end of the text).
   */
  private nextLine() {
    const src = this.src;
    const len = this.len;
    let p = this.pos;
    for (;;) {
      let q = p;
      while (src.charCodeAt(q) === 32) q++;
      const c = src.charCodeAt(q);
      if (c === 10) {
        p = q + 1;
        continue;
      }
      const nl = c === 35 ? src.indexOf('\n', q) : -1;
      if (q >= len || (c === 35 && nl === -1)) {
        this.pos = len;
        this.indent = -1;
        return;
      }
      if (c === 35) {
        p = nl + 1;
        continue;
      }
      this.pos = q;
      this.lineStart = p;
      this.indent = q - p;
      return;
    }
  }

  private column(p: number): number {
    const src = this.src;
    const ls = this.lineStart;
    if (ls <= p) {
      // on the line `nextLine` entered last, unless a line break lies between
      const nl = src.indexOf('\n', ls);
      if (nl === -1 || nl >= p) return p - ls;
    }
    return p - (src.lastIndexOf('\n', p - 1) + 1);
  }

  // ---- events ----

  private scalar(valueStart: number, valueEnd: number, style: number, fast: boolean, tagStart: number, tagEnd: number, chomping = CLIP, indent = -1) {
    this.sink.scalar(valueStart, valueEnd, style, fast, tagStart, tagEnd, -1, -1, chomping, indent);
  }

  private empty() {
    this.scalar(-1, -1, PLAIN, false, -1, -1);
  }

  private open(type: 2 | 3, start: number, tagStart: number, tagEnd: number) {
    if (++this.depth > MAX_DEPTH) this.giveUp();
    this.sink.collection(type, start, tagStart, tagEnd, -1, -1);
  }

  private pop() {
    this.depth--;
    this.sink.pop();
  }

  // ---- block structure ----

  /** Whether a mapping key (`key:` plain or quoted, then white space) starts at `pos`. */
  private keyAhead(): boolean {
    const src = this.src;
    const c = src.charCodeAt(this.pos);
    if (c === 39 || c === 34) {
      const end = this.quotedEnd(this.pos, -1);
      if (end < 0) return false;
      let p = end;
      while (src.charCodeAt(p) === 32) p++;
      return src.charCodeAt(p) === 58 && isSpaceOrEnd(src.charCodeAt(p + 1));
    }
    if (!this.canStartPlain(c, false)) return false;
    const stop = this.plainStop(this.pos);
    this.aheadAt = this.pos;
    this.aheadStop = stop;
    return src.charCodeAt(stop) === 58;
  }

  /** Block mapping whose keys sit at column `n`; `pos` is at the first key. */
  private blockMapping(n: number, ts: number, te: number) {
    const src = this.src;
    this.open(MAPPING, this.pos, ts, te);
    for (;;) {
      // key
      // A line at column 0 is a key of the root mapping: anything else gave up earlier (a block
      // scalar, quoted scalar or flow collection continues only on lines indented past its key's
      // column), so this is where a document marker after the first line turns up.
      if (n === 0 && this.markerAt(this.pos)) this.giveUp();
      const c = src.charCodeAt(this.pos);
      if (c === 39 || c === 34) {
        const end = this.quoted(-1, -1, -1);
        let p = end;
        while (src.charCodeAt(p) === 32) p++;
        if (src.charCodeAt(p) !== 58 || !isSpaceOrEnd(src.charCodeAt(p + 1))) this.giveUp();
        this.pos = p + 1;
      } else {
        if (!this.canStartPlain(c, false)) this.giveUp();
        const stop = this.aheadAt === this.pos ? this.aheadStop : this.plainStop(this.pos);
        if (src.charCodeAt(stop) !== 58) this.giveUp();
        this.sink.key(this.pos, this.trimEnd(this.pos, stop));
        this.pos = stop + 1;
      }
      this.valueAfterIndicator(n, false);
      if (this.indent === n) {
        if (src.charCodeAt(this.pos) === 45 && isSpaceOrEnd(src.charCodeAt(this.pos + 1))) this.giveUp();
        continue;
      }
      if (this.indent > n) this.giveUp();
      break;
    }
    this.pop();
  }

  /**
   * The node after `key:` (or after `- ` when `inSequence`), owned by a collection at column `n`.
   * Leaves `pos` at the next content line.
   */
  private valueAfterIndicator(n: number, inSequence: boolean) {
    const src = this.src;
    while (src.charCodeAt(this.pos) === 32) this.pos++;
    let c = src.charCodeAt(this.pos);
    let ts = -1;
    let te = -1;
    if (c === 33) {
      ts = this.tag(false);
      te = this.pos;
      while (src.charCodeAt(this.pos) === 32) this.pos++;
      c = src.charCodeAt(this.pos);
    }
    if (c === 10 || c === 35 || this.pos >= this.len) {
      this.endOfLine();
      if (this.indent > n) {
        const d = src.charCodeAt(this.pos);
        if (d === 45 && isSpaceOrEnd(src.charCodeAt(this.pos + 1))) this.blockSequence(this.indent, ts, te);
        else if (this.keyAhead()) this.blockMapping(this.indent, ts, te);
        else if (ts >= 0) this.giveUp();
        else this.ownLineValue(n);
      } else if (this.indent === n && !inSequence && src.charCodeAt(this.pos) === 45 && isSpaceOrEnd(src.charCodeAt(this.pos + 1))) {
        this.blockSequence(n, ts, te); // a sequence at the key's own column
      } else {
        if (ts >= 0) this.giveUp();
        this.empty();
      }
      return;
    }
    if (inSequence && ts < 0) {
      if (c === 45 && isSpaceOrEnd(src.charCodeAt(this.pos + 1))) {
        // `- - a`: a sequence in a sequence item, its entries at the inner dash's column
        this.blockSequence(this.column(this.pos), -1, -1);
        return;
      }
      if (this.keyAhead()) {
        this.blockMapping(this.column(this.pos), -1, -1);
        return;
      }
    }
    this.inline(n + 1, ts, te);
  }

  /**
   * A value alone on the line after its key (or dash) owned by column `n`: a scalar, flow
   * collection or block scalar, optionally tagged (`Policy:\n  !Sub |`).
   */
  private ownLineValue(n: number) {
    const src = this.src;
    let ts = -1;
    let te = -1;
    if (src.charCodeAt(this.pos) === 33) {
      ts = this.tag(false);
      te = this.pos;
      const before = this.pos;
      while (src.charCodeAt(this.pos) === 32) this.pos++;
      const c = src.charCodeAt(this.pos);
      if (this.pos === before || c === 10 || c === 35 || this.pos >= this.len) this.giveUp();
    }
    this.inline(n + 1, ts, te);
  }

  /** A scalar, flow collection or block scalar starting on this line, with `nodeIndent` for continuation lines. */
  private inline(nodeIndent: number, ts: number, te: number) {
    const src = this.src;
    const c = src.charCodeAt(this.pos);
    if (c === 39 || c === 34) {
      this.pos = this.quoted(ts, te, nodeIndent);
      this.endOfLine();
      return;
    }
    if (c === 91 || c === 123) {
      this.flow(nodeIndent, ts, te);
      this.endOfLine();
      return;
    }
    if (c === 124 || c === 62) {
      this.blockScalar(nodeIndent, ts, te);
      return;
    }
    if (!this.canStartPlain(c, false)) this.giveUp();
    const start = this.pos;
    const stop = this.plainStop(start);
    const sc = src.charCodeAt(stop);
    if (sc === 58) this.giveUp(); // `a: b: c`, `!Tag key: value`
    // A next content line indented past the owning collection's column would continue this scalar
    // (a multi-line plain scalar): the collection gives up on reaching it, as on any deeper line.
    this.sink.plain(start, this.trimEnd(start, stop), ts, te);
    this.pos = stop;
    this.endOfLine();
  }

  private blockSequence(m: number, ts: number, te: number) {
    const src = this.src;
    this.open(SEQUENCE, this.pos, ts, te);
    for (;;) {
      this.pos++; // '-'
      this.valueAfterIndicatorInSequence(m);
      if (this.indent === m && src.charCodeAt(this.pos) === 45 && isSpaceOrEnd(src.charCodeAt(this.pos + 1))) continue;
      if (this.indent > m) this.giveUp();
      break;
    }
    this.pop();
  }

  private valueAfterIndicatorInSequence(m: number) {
    const src = this.src;
    let p = this.pos;
    while (src.charCodeAt(p) === 32) p++;
    const c = src.charCodeAt(p);
    if (c === 10 || c === 35 || p >= this.len) {
      this.pos = p;
      this.endOfLine();
      if (this.indent <= m) {
        this.empty();
        return;
      }
      const d = src.charCodeAt(this.pos);
      if (d === 45 && isSpaceOrEnd(src.charCodeAt(this.pos + 1))) this.blockSequence(this.indent, -1, -1);
      else if (this.keyAhead()) this.blockMapping(this.indent, -1, -1);
      else this.ownLineValue(m);
      return;
    }
    this.valueAfterIndicator(m, true);
  }

  // ---- scalars ----

  private canStartPlain(c: number, inFlow: boolean): boolean {
    // (the flow indicators , [ ] { } written out: this runs for every plain scalar)
    if (Number.isNaN(c) || c === 32 || c === 10 || c === 35 || c === 38 || c === 42 || c === 33 || c === 124 || c === 62 || c === 39 || c === 34 || c === 37 || c === 64 || c === 96 || c === 44 || c === 91 || c === 93 || c === 123 || c === 125) {
      return false;
    }
    // `- `, `? ` and `: ` are indicators (a `: ` at a key's place is an empty key), not scalars
    if (c === 63 || c === 45 || c === 58) {
      const f = this.src.charCodeAt(this.pos + 1);
      if (isSpaceOrEnd(f) || (inFlow && isFlowIndicator(f))) return false;
    }
    return true;
  }

  /**
   * Where a one-line plain scalar of block context from `start` stops: at the first `: ` (a colon
   * before a space, the line end or the text end), ` #` or the line end. Found with native
   * searches for the three characters rather than a loop over every character (most of the text is
   * plain scalars); `NextChar` remembers each search, so a stretch of text is searched about once.
   */
  private plainStop(start: number): number {
    const src = this.src;
    let stop = this.newlines.from(start);
    for (let p = start; ; ) {
      const colon = this.colons.from(p);
      if (colon >= stop) break;
      const f = colon + 1;
      const next = src.charCodeAt(f);
      if (next === 32 || next === 10 || f >= this.len) {
        stop = colon;
        break;
      }
      p = f;
    }
    for (let p = start; ; ) {
      const hash = this.hashes.from(p);
      if (hash >= stop) break;
      if (src.charCodeAt(hash - 1) === 32) {
        stop = hash;
        break;
      }
      p = hash + 1;
    }
    return stop;
  }

  /** Where a one-line plain scalar in a flow collection from `start` stops: as `plainStop`, or at a flow indicator. */
  private flowPlainStop(start: number): number {
    const src = this.src;
    let p = start;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === 10 || p >= this.len) return p;
      if (c === 58) {
        const f = src.charCodeAt(p + 1);
        if (isSpaceOrEnd(f) || isFlowIndicator(f)) return p;
      } else if (c === 35) {
        if (src.charCodeAt(p - 1) === 32) return p;
      } else if (isFlowIndicator(c)) {
        return p;
      }
      p++;
    }
  }

  private trimEnd(start: number, stop: number): number {
    let e = stop;
    while (e > start && this.src.charCodeAt(e - 1) === 32) e--;
    return e;
  }

  /**
   * End (after the closing quote) of a quoted scalar at `start`, or -1. With `nodeIndent` >= 0 it
   * may span lines whose indentation is at least `nodeIndent` (js-yaml reports less as an error).
   */
  private quotedEnd(start: number, nodeIndent: number): number {
    const src = this.src;
    const q = src.charCodeAt(start);
    let p = start + 1;
    this.quotedIsVerbatim = true;
    for (;;) {
      let c = src.charCodeAt(p);
      if (p >= this.len) return -1;
      if (c === 10 || (c === 92 && q === 34 && src.charCodeAt(p + 1) === 10)) {
        if (nodeIndent < 0) return -1;
        this.quotedIsVerbatim = false;
        if (c === 92) c = src.charCodeAt(++p);
        // a line break inside the scalar: the next non-blank line must be indented enough
        let indent = 0;
        while (c === 10 || c === 32) {
          indent = c === 10 ? 0 : indent + 1;
          c = src.charCodeAt(++p);
        }
        if (p >= this.len || indent < nodeIndent) return -1;
        continue;
      }
      if (c === q) {
        if (q === 39 && src.charCodeAt(p + 1) === 39) {
          this.quotedIsVerbatim = false;
          p += 2;
          continue;
        }
        return p + 1;
      }
      if (c === 92 && q === 34) {
        this.quotedIsVerbatim = false;
        const e = src.charCodeAt(p + 1);
        const hex = e === 120 ? 2 : e === 117 ? 4 : e === 85 ? 8 : 0;
        if (hex) {
          for (let i = 0; i < hex; i++) {
            const h = src.charCodeAt(p + 2 + i) | 32;
            if (!((h >= 48 && h <= 57) || (h >= 97 && h <= 102))) return -1;
          }
          p += 2 + hex;
          continue;
        }
        // js-yaml's simple escapes: 0 a b t TAB n v f r e SPACE " / \ N _ L P
        if (e === 48 || e === 97 || e === 98 || e === 116 || e === 110 || e === 118 || e === 102 || e === 114 || e === 101 || e === 32 || e === 34 || e === 47 || e === 92 || e === 78 || e === 95 || e === 76 || e === 80) {
          p += 2;
          continue;
        }
        return -1;
      }
      p++;
    }
  }

  /** Reads a quoted scalar at `pos` (continuation lines indented at least `nodeIndent`, -1: one line only); returns the offset after it. */
  private quoted(ts: number, te: number, nodeIndent: number): number {
    const start = this.pos;
    const end = this.quotedEnd(start, nodeIndent);
    if (end < 0) this.giveUp();
    const q = this.src.charCodeAt(start);
    this.scalar(start + 1, end - 1, q === 39 ? SINGLE : DOUBLE, this.quotedIsVerbatim, ts, te);
    return end;
  }

  /** Reads a tag at `pos`: returns its start, `pos` is left at its end. */
  private tag(inFlow: boolean): number {
    const src = this.src;
    const start = this.pos;
    let p = start + 1;
    for (;;) {
      const c = src.charCodeAt(p);
      // (`isSpaceOrEnd` written out: this runs for every character of every tag)
      if (c === 32 || c === 10 || p >= this.len || (inFlow && isFlowIndicator(c))) break;
      p++;
    }
    if (!isSimpleTag(src, start, p)) this.giveUp();
    this.pos = p;
    return start;
  }

  /** js-yaml's block scalar reader, for the texts accepted here (no tabs, no document markers). */
  private blockScalar(parentIndent: number, ts: number, te: number) {
    const src = this.src;
    const style = src.charCodeAt(this.pos) === 124 ? LITERAL : FOLDED;
    let chomping = CLIP;
    let indent = -1;
    let detectedIndent = false;
    this.pos++;
    for (;;) {
      const c = src.charCodeAt(this.pos);
      if (c === 43 || c === 45) {
        if (chomping !== CLIP) this.giveUp();
        chomping = c === 43 ? KEEP : STRIP;
        this.pos++;
      } else if (c >= 49 && c <= 57) {
        if (detectedIndent) this.giveUp();
        indent = parentIndent + (c - 48) - 1;
        detectedIndent = true;
        this.pos++;
      } else if (c === 48) {
        this.giveUp();
      } else break;
    }
    let hadSpace = false;
    while (src.charCodeAt(this.pos) === 32) {
      hadSpace = true;
      this.pos++;
    }
    if (hadSpace && src.charCodeAt(this.pos) === 35) {
      const nl = src.indexOf('\n', this.pos);
      this.pos = nl === -1 ? this.len : nl;
    }
    if (src.charCodeAt(this.pos) === 10) this.pos++;
    else if (this.pos < this.len) this.giveUp();
    let contentIndent = detectedIndent ? indent : -1;
    let maxLeadingIndent = 0;
    const valueStart = this.pos;
    let valueEnd = this.pos;
    let stopped = false;
    let stopLine = 0;
    while (this.pos < this.len) {
      const linePosition = this.pos;
      let column = 0;
      while (src.charCodeAt(linePosition + column) === 32) column++;
      const first = src.charCodeAt(linePosition + column);
      if (linePosition + column >= this.len) {
        if (contentIndent >= 0) {
          if (column > contentIndent) valueEnd = linePosition + column;
        } else if (column > 0) valueEnd = linePosition + column;
        this.pos = this.len;
        break;
      }
      const blank = first === 10;
      if (!detectedIndent && contentIndent === -1 && blank) maxLeadingIndent = Math.max(maxLeadingIndent, column);
      if (!detectedIndent && contentIndent === -1 && !blank && column >= parentIndent && column < maxLeadingIndent) this.giveUp();
      if (contentIndent === -1 && !blank && column < parentIndent) {
        this.pos = linePosition + column;
        stopped = true;
        stopLine = linePosition;
        break;
      }
      if (!detectedIndent && !blank && contentIndent === -1) contentIndent = column;
      const requiredIndent = contentIndent === -1 ? parentIndent + 1 : contentIndent;
      if (!blank && column < requiredIndent) {
        this.pos = linePosition + column;
        stopped = true;
        stopLine = linePosition;
        break;
      }
      const nl = src.indexOf('\n', linePosition + column);
      if (nl === -1) {
        this.pos = this.len;
        valueEnd = this.len;
      } else {
        this.pos = nl + 1;
        valueEnd = this.pos;
      }
    }
    this.scalar(valueStart, valueEnd, style, false, ts, te, chomping, contentIndent);
    if (stopped) {
      // `pos` is at the first character of a less indented line: comment lines are skipped like js-yaml does.
      this.pos = stopLine;
      this.nextLine();
    } else {
      this.indent = -1;
    }
  }

  // ---- flow collections ----

  /** Skips spaces, comments and line breaks inside a flow collection; continuation lines must be indented at least `nodeIndent`. */
  private flowSpace(nodeIndent: number) {
    const src = this.src;
    let p = this.pos;
    let crossed = false;
    let lineIndent = 0;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === 32) {
        p++;
        if (crossed) lineIndent++;
        continue;
      }
      if (c === 35) {
        const prev = src.charCodeAt(p - 1);
        if (prev !== 32 && prev !== 10) this.giveUp();
        const nl = src.indexOf('\n', p);
        if (nl === -1) this.giveUp();
        p = nl;
        continue;
      }
      if (c === 10) {
        p++;
        crossed = true;
        lineIndent = 0;
        continue;
      }
      break;
    }
    if (p >= this.len) this.giveUp();
    if (crossed && lineIndent < nodeIndent) this.giveUp();
    this.pos = p;
  }

  private flow(nodeIndent: number, ts: number, te: number) {
    const src = this.src;
    const isMap = src.charCodeAt(this.pos) === 123;
    const terminator = isMap ? 125 : 93;
    this.open(isMap ? MAPPING : SEQUENCE, this.pos, ts, te);
    this.pos++;
    let first = true;
    for (;;) {
      this.flowSpace(nodeIndent);
      let c = src.charCodeAt(this.pos);
      if (c === terminator) {
        if (!first) this.giveUp(); // a trailing comma
        this.pos++;
        this.pop();
        return;
      }
      first = false;
      this.flowNode(nodeIndent);
      this.flowSpace(nodeIndent);
      c = src.charCodeAt(this.pos);
      if (isMap) {
        if (c !== 58) this.giveUp();
        this.pos++;
        this.flowSpace(nodeIndent);
        c = src.charCodeAt(this.pos);
        if (c === 44 || c === 125) this.giveUp();
        this.flowNode(nodeIndent);
        this.flowSpace(nodeIndent);
        c = src.charCodeAt(this.pos);
      } else if (c === 58) {
        this.giveUp();
      }
      if (c === terminator) {
        this.pos++;
        this.pop();
        return;
      }
      if (c !== 44) this.giveUp();
      this.pos++;
      this.flowSpace(nodeIndent);
      if (src.charCodeAt(this.pos) === terminator) this.giveUp();
    }
  }

  private flowNode(nodeIndent: number) {
    const src = this.src;
    let c = src.charCodeAt(this.pos);
    let ts = -1;
    let te = -1;
    if (c === 33) {
      ts = this.tag(true);
      te = this.pos;
      const before = this.pos;
      while (src.charCodeAt(this.pos) === 32) this.pos++;
      c = src.charCodeAt(this.pos);
      if (c === 10 || c === 35 || c === 44 || c === 93 || c === 125 || this.pos === before) this.giveUp();
    }
    if (c === 91 || c === 123) {
      this.flow(nodeIndent, ts, te);
      return;
    }
    if (c === 39 || c === 34) {
      this.pos = this.quoted(ts, te, nodeIndent);
      return;
    }
    if (!this.canStartPlain(c, true)) this.giveUp();
    const start = this.pos;
    const stop = this.flowPlainStop(start);
    const sc = src.charCodeAt(stop);
    if (sc === 10 || stop >= this.len) this.giveUp(); // may continue on the next line
    this.scalar(start, this.trimEnd(start, stop), PLAIN, true, ts, te);
    this.pos = stop;
  }
}
