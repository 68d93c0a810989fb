/**
 * Origin allowlist patterns: PCRE (nginx `map`/`if` regexes) translated to ECMAScript, checked
 * for validity, and analysed for bypasses.
 *
 * A bypass is a concrete origin an attacker can host (http(s), a host under a domain anyone can
 * register, outside the intended sites) that the pattern accepts. Hosts whose last label is not a
 * real top-level domain (`https://massbitxio` from an unescaped dot in `massbit.io$`) are not
 * bypasses: nobody can serve a page there. Every origin we report is checked against the
 * translated regex itself, so the automaton search (refa) can only make us miss a bypass, never
 * invent one.
 *
 * The automaton search lives in origin-automaton.ts, a lazy chunk of its own (refa is about
 * 1.1 MB): readable candidate origins and a structural proof (`provablyNoAttacker`) settle the
 * usual patterns first, and only a pattern neither settles needs it. The engine asks
 * `needsAutomaton` for each pattern of a run and awaits `loadOriginAutomaton()` when one does;
 * analysing such a pattern without it throws (a corslint bug), it never silently skips the search.
 */
import { RegExpParser, visitRegExpAST, type AST } from '@eslint-community/regexpp';

type AutomatonModule = typeof import('./origin-automaton.js');

let automaton: AutomatonModule | undefined;

/** Loads the automaton search (refa); analyses of patterns that need it work only after this. */
export async function loadOriginAutomaton(): Promise<void> {
  automaton ??= await import('./origin-automaton.js');
}

/** Thrown when a pattern needs the automaton search before `loadOriginAutomaton()` ran. */
export class AutomatonNotLoadedError extends Error {
  constructor() {
    super('corslint bug: origin pattern needs the automaton search before loadOriginAutomaton()');
  }
}

// ---------------------------------------------------------------------------------------------
// PCRE → ECMAScript

export type Translation =
  | {
      ok: true;
      /** ECMAScript source with the same matches (atomic groups emulated with lookahead + backreference) */
      source: string;
      /** a source for language analysis: atomic/possessive made plain (accepts a superset) */
      analysisSource: string;
      flags: string;
    }
  | {
      ok: false;
      /** true: PCRE itself rejects the pattern (nginx refuses the config); false: valid but beyond our translation */
      invalid: boolean;
      reason: string;
      /** 0-based offset into the pattern, when known */
      offset?: number;
    };

const KNOWN_PCRE_LETTER_ESCAPES = new Set('aAbBcCdDeEfgGhHkKnNopPQrRsStvVwWxXzZ'.split(''));
const POSIX_CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\t\\n\\v\\f\\r ',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
  ascii: '\\x00-\\x7f',
};

class Unsupported extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}
class Invalid extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Translates one PCRE pattern (as nginx passes it to PCRE) to ECMAScript. Never throws. */
export function translatePcre(pattern: string, caseInsensitive: boolean): Translation {
  try {
    return translateOrThrow(pattern, caseInsensitive);
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, invalid: true, reason: err.message, offset: err.offset };
    if (err instanceof Unsupported) return { ok: false, invalid: false, reason: err.message, offset: err.offset };
    return { ok: false, invalid: false, reason: `cannot analyse: ${(err as Error).message}` };
  }
}

interface OpenGroup {
  start: number;
  approxStart: number;
  atomic?: string;
  at: number;
}

function translateOrThrow(src: string, caseInsensitive: boolean): Translation {
  let ci = caseInsensitive;
  let dotAll = false;
  let i = 0;
  // Start-of-pattern settings: (*UTF8), (*UCP), (?i), (?s), (?m)
  for (;;) {
    const verb = /^\(\*(?:UTF8?|UTF16|UTF32|UCP|NO_START_OPT|NO_AUTO_POSSESS|NO_JIT)\)/.exec(src.slice(i));
    if (verb) {
      i += verb[0].length;
      continue;
    }
    const opt = /^\(\?([a-zA-Z]+)\)/.exec(src.slice(i));
    if (!opt) break;
    for (const f of opt[1]!) {
      if (f === 'i') ci = true;
      else if (f === 's') dotAll = true;
      else if (f === 'm' || f === 'J' || f === 'U') {
        if (f !== 'm') throw new Unsupported(`option (?${f}) is not supported`, i);
      } else if ('xn'.includes(f)) throw new Unsupported(`option (?${f}) is not supported`, i);
      else throw new Invalid(`unrecognized option letter "${f}" in (?${opt[1]})`, i);
    }
    i += opt[0].length;
  }

  let out = '';
  let approx = '';
  /** start of the last quantifiable atom in out/approx, or -1 when nothing can be repeated */
  let atomStart = -1;

  let afterQuantifier = false;
  let captures = 0;
  let atomicCount = 0;
  let maxBackref = 0;
  let hasNumericBackref = false;
  const stack: OpenGroup[] = [];

  const emit = (exact: string, analysis: string = exact, quantifiable = true): void => {
    if (quantifiable) {
      atomStart = out.length;
    } else {
      atomStart = -1;
    }
    afterQuantifier = false;
    out += exact;
    approx += analysis;
  };

  while (i < src.length) {
    const c = src[i]!;
    const at = i;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new Invalid('\\ at end of pattern', at);
      if (/[A-Za-z]/.test(n) && !KNOWN_PCRE_LETTER_ESCAPES.has(n)) throw new Invalid(`unrecognized escape \\${n}`, at);
      i += 2;
      switch (n) {
        case 'A':
          emit('^', '^', false);
          break;
        case 'z':
        case 'Z':
          // An Origin header never contains a newline, so \Z and \z both mean the end.
          emit('$', '$', false);
          break;
        case 'b':
        case 'B':
          emit(`\\${n}`, `\\${n}`, false);
          break;
        case 'Q': {
          const end = src.indexOf('\\E', i);
          const lit = src.slice(i, end === -1 ? src.length : end);
          i = end === -1 ? src.length : end + 2;
          for (const ch of lit) emit(escapeLiteral(ch));
          break;
        }
        case 'E':
          break;
        case 'h':
          emit('[\\t \\u00a0]');
          break;
        case 'H':
          emit('[^\\t \\u00a0]');
          break;
        case 'v':
          emit('[\\n\\v\\f\\r\\x85\\u2028\\u2029]');
          break;
        case 'V':
          emit('[^\\n\\v\\f\\r\\x85\\u2028\\u2029]');
          break;
        case 'e':
          emit('\\x1b');
          break;
        case 'a':
          emit('\\x07');
          break;
        case 'x': {
          const braced = /^\{([0-9A-Fa-f]+)\}/.exec(src.slice(i));
          if (braced) {
            const code = parseInt(braced[1]!, 16);
            if (code > 0xffff) throw new Unsupported('code points above U+FFFF are not supported', at);
            i += braced[0].length;
            emit(hex4(code));
          } else {
            const m = /^[0-9A-Fa-f]{0,2}/.exec(src.slice(i))![0];
            i += m.length;
            emit(hex4(m === '' ? 0 : parseInt(m, 16)));
          }
          break;
        }
        case 'c': {
          const x = src[i];
          if (x === undefined) throw new Invalid('\\c at end of pattern', at);
          i += 1;
          emit(hex4(x.toUpperCase().charCodeAt(0) ^ 0x40));
          break;
        }
        case 'k': {
          const m = /^(?:<([^>]*)>|'([^']*)'|\{([^}]*)\})/.exec(src.slice(i));
          if (!m) throw new Invalid('\\k is not followed by a group name', at);
          const name = m[1] ?? m[2] ?? m[3] ?? '';
          if (!GROUP_NAME.test(name)) throw new Invalid(`invalid group name "${name}"`, at);
          i += m[0].length;
          emit(`\\k<${name}>`);
          break;
        }
        case 'g': {
          const m = /^(?:\{(\d+)\}|(\d+))/.exec(src.slice(i));
          if (!m) throw new Unsupported('relative or named \\g references are not supported', at);
          i += m[0].length;
          const num = Number(m[1] ?? m[2]);
          maxBackref = Math.max(maxBackref, num);
          hasNumericBackref = true;
          emit(`\\${num}`);
          break;
        }
        case 'd':
        case 'D':
        case 'w':
        case 'W':
        case 's':
        case 'S':
        case 't':
        case 'n':
        case 'r':
        case 'f':
          emit(`\\${n}`);
          break;
        default:
          if (/[1-9]/.test(n)) {
            let digits = n;
            while (/[0-9]/.test(src[i] ?? '')) digits += src[i++];
            maxBackref = Math.max(maxBackref, Number(digits));
            hasNumericBackref = true;
            emit(`\\${digits}`);
          } else if (n === '0') {
            const m = /^[0-7]{0,2}/.exec(src.slice(i))![0];
            i += m.length;
            emit(hex4(parseInt(`0${m}`, 8)));
          } else if (/[A-Za-z]/.test(n)) {
            throw new Unsupported(`the escape \\${n} is not supported`, at);
          } else {
            emit(escapeLiteral(n));
          }
      }
      continue;
    }
    if (c === '[') {
      const { text, end } = translateClass(src, i);
      i = end;
      emit(text);
      continue;
    }
    if (c === '(') {
      if (src.startsWith('(?#', i)) {
        const end = src.indexOf(')', i);
        if (end === -1) throw new Invalid('missing ) after (?# comment', at);
        i = end + 1;
        continue;
      }
      if (src.startsWith('(*', i)) throw new Unsupported('backtracking control verbs are not supported', at);
      const rest = src.slice(i);
      let exactOpen: string;
      let approxOpen: string;
      let atomic: string | undefined;
      let m: RegExpExecArray | null;
      if (rest.startsWith('(?:') || rest.startsWith('(?=') || rest.startsWith('(?!') || rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
        const len = rest.startsWith('(?<') ? 4 : 3;
        exactOpen = approxOpen = rest.slice(0, len);
        i += len;
      } else if (rest.startsWith('(?>')) {
        atomic = `__atomic${++atomicCount}`;
        exactOpen = `(?=(?<${atomic}>`;
        approxOpen = '(?:';
        i += 3;
      } else if ((m = /^\(\?(?:P?<([^>]*)>|'([^']*)')/.exec(rest))) {
        const name = m[1] ?? m[2] ?? '';
        if (!GROUP_NAME.test(name)) throw new Invalid(`invalid group name "${name}"`, at);
        captures++;
        exactOpen = approxOpen = `(?<${name}>`;
        i += m[0].length;
      } else if ((m = /^\(\?P=([^)]*)\)/.exec(rest))) {
        if (!GROUP_NAME.test(m[1]!)) throw new Invalid(`invalid group name "${m[1]}"`, at);
        i += m[0].length;
        emit(`\\k<${m[1]}>`);
        continue;
      } else if (/^\(\?(?:P>|R\)|[+-]?\d|&)/.test(rest)) {
        throw new Unsupported('recursion and subroutine calls are not supported', at);
      } else if (rest.startsWith('(?|')) {
        throw new Unsupported('branch-reset groups are not supported', at);
      } else if (rest.startsWith('(?(')) {
        throw new Unsupported('conditional groups are not supported', at);
      } else if ((m = /^\(\?([a-zA-Z^-]*)[:)]/.exec(rest))) {
        if (/^[imnsxJU^-]*$/.test(m[1]!)) throw new Unsupported('option settings inside the pattern are not supported', at);
        throw new Invalid(`unrecognized character after (? or (?- in ${JSON.stringify(m[0])}`, at);
      } else if (rest.startsWith('(?')) {
        throw new Invalid(`unrecognized character after (? (${JSON.stringify(rest.slice(0, 3))})`, at);
      } else {
        captures++;
        exactOpen = approxOpen = '(';
        i += 1;
      }
      stack.push({ start: out.length, approxStart: approx.length, atomic, at });
      out += exactOpen;
      approx += approxOpen;
      atomStart = -1;
      afterQuantifier = false;
      continue;
    }
    if (c === ')') {
      const g = stack.pop();
      if (!g) throw new Invalid('unmatched closing parenthesis', at);
      i += 1;
      out += g.atomic ? `))\\k<${g.atomic}>` : ')';
      approx += ')';
      atomStart = g.start;
      afterQuantifier = false;
      continue;
    }
    const quant = /^(?:[*+?]|\{(\d+)(?:,(\d*))?\})/.exec(src.slice(i));
    if (quant) {
      if (afterQuantifier) throw new Invalid('nothing to repeat (quantifier follows a quantifier)', at);
      if (atomStart < 0) {
        if (out.endsWith('^') || out.endsWith('$') || out.endsWith('\\b') || out.endsWith('\\B')) {
          throw new Unsupported('a quantified assertion is not supported', at);
        }
        throw new Invalid(`quantifier "${quant[0]}" does not follow a repeatable item`, at);
      }
      if (quant[1] !== undefined && quant[2] !== undefined && quant[2] !== '' && Number(quant[2]) < Number(quant[1])) {
        throw new Invalid(`numbers out of order in {} quantifier "${quant[0]}"`, at);
      }
      i += quant[0].length;
      let q = quant[0];
      if (src[i] === '?') {
        q += '?';
        i += 1;
        out += q;
        approx += q;
      } else if (src[i] === '+') {
        // Possessive: (?>X q) — exact emulation; the analysis keeps the plain (superset) form.
        i += 1;
        const name = `__atomic${++atomicCount}`;
        out = `${out.slice(0, atomStart)}(?=(?<${name}>${out.slice(atomStart)}${q}))\\k<${name}>`;
        approx += q;
      } else {
        out += q;
        approx += q;
      }
      afterQuantifier = true;
      continue;
    }
    i += 1;
    if (c === '^' || c === '$') emit(c, c, false);
    else if (c === '|') emit('|', '|', false);
    else if (c === '.') emit(dotAll ? '[^]' : '[^\\n]', '.');
    else if (c === '/' || c === '{' || c === '}' || c === ']') emit(`\\${c}`);
    else emit(c);
  }
  if (stack.length > 0) throw new Invalid('missing closing parenthesis', stack[stack.length - 1]!.at);
  if (hasNumericBackref && maxBackref > captures) {
    throw new Invalid(`reference to non-existent subpattern \\${maxBackref}`, 0);
  }
  if (hasNumericBackref && atomicCount > 0) {
    throw new Unsupported('numbered backreferences together with atomic groups are not supported', 0);
  }
  const flags = ci ? 'i' : '';
  const ast = checkEcmaScript(out, flags, src);
  const translation: Translation = { ok: true, source: out, analysisSource: approx, flags };
  // the analysis reads the same source's tree when nothing was approximated: parse it once
  if (approx === out) parsedAnalysisSource.set(translation, ast);
  return translation;
}

/** regexpp's tree of a translation's analysisSource, when validation already parsed that text */
const parsedAnalysisSource = new WeakMap<Translation, AST.Pattern>();

function escapeLiteral(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

/** Translates a PCRE character class starting at `start` (the `[`). */
function translateClass(src: string, start: number): { text: string; end: number } {
  let i = start + 1;
  let text = '[';
  if (src[i] === '^') {
    text += '^';
    i++;
  }
  let first = true;
  for (;;) {
    const c = src[i];
    if (c === undefined) throw new Invalid('missing terminating ] for character class', start);
    if (c === ']' && !first) {
      i++;
      break;
    }
    first = false;
    if (c === '[') {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i));
      if (posix) {
        const body = POSIX_CLASSES[posix[2]!];
        if (!body) throw new Invalid(`unknown POSIX class name [:${posix[2]}:]`, i);
        if (posix[1]) throw new Unsupported('negated POSIX classes are not supported', i);
        text += body;
        i += posix[0].length;
        continue;
      }
      text += '\\[';
      i++;
      continue;
    }
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new Invalid('\\ at end of pattern', i);
      if (/[A-Za-z]/.test(n) && !KNOWN_PCRE_LETTER_ESCAPES.has(n)) throw new Invalid(`unrecognized escape \\${n}`, i);
      if ('dDwWsStnrf'.includes(n)) text += `\\${n}`;
      else if (n === 'h') text += '\\t \\u00a0';
      else if (n === 'x') {
        const braced = /^\{([0-9A-Fa-f]+)\}/.exec(src.slice(i + 2));
        if (braced) {
          const code = parseInt(braced[1]!, 16);
          if (code > 0xffff) throw new Unsupported('code points above U+FFFF are not supported', i);
          text += hex4(code);
          i += 2 + braced[0].length;
          continue;
        }
        const m = /^[0-9A-Fa-f]{0,2}/.exec(src.slice(i + 2))![0];
        text += hex4(m === '' ? 0 : parseInt(m, 16));
        i += 2 + m.length;
        continue;
      } else if (n === 'b') text += '\\x08';
      else if (/[A-Za-z]/.test(n)) throw new Unsupported(`the escape \\${n} in a class is not supported`, i);
      else if (/[0-7]/.test(n)) {
        const m = /^[0-7]{1,3}/.exec(src.slice(i + 1))![0];
        text += hex4(parseInt(m, 8));
        i += 1 + m.length;
        continue;
      } else text += `\\${n}`;
      i += 2;
      continue;
    }
    text += c === ']' ? '\\]' : c === '/' ? '\\/' : c;
    i++;
  }
  return { text: `${text}]`, end: i };
}

const PCRE_SYNTAX_ERROR = /Range out of order|Nothing to repeat|Unterminated|Unmatched|Invalid group|Lone quantifier|Invalid capture group name|Duplicate capture group name|numbers out of order/i;

/** Validates the translated source with regexpp (ES2025) and PCRE's own lookbehind rule. */
function checkEcmaScript(source: string, flags: string, original: string): AST.Pattern {
  let ast: AST.Pattern;
  try {
    ast = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(source, 0, source.length, { unicode: false });
  } catch (err) {
    const msg = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '');
    if (PCRE_SYNTAX_ERROR.test(msg)) throw new Invalid(msg.charAt(0).toLowerCase() + msg.slice(1), 0);
    throw new Unsupported(msg, 0);
  }
  // a lookbehind is only ever written `(?<=` or `(?<!`: other patterns need no walk
  if (/\(\?<[=!]/.test(source)) {
    visitRegExpAST(ast, {
      onAssertionEnter(node) {
        if (node.kind !== 'lookbehind') return;
        for (const alt of node.alternatives) {
          const { min, max } = lengthRange(alt.elements);
          if (min !== max) {
            throw new Invalid('lookbehind assertion is not fixed length', Math.max(0, original.indexOf('(?<')));
          }
        }
      },
    });
  }
  try {
    new RegExp(source, flags);
  } catch (err) {
    throw new Unsupported((err as Error).message, 0);
  }
  return ast;
}

function lengthRange(elements: readonly AST.Element[]): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (const e of elements) {
    const r = elementLength(e);
    min += r.min;
    max += r.max;
  }
  return { min, max };
}

function elementLength(e: AST.Element): { min: number; max: number } {
  switch (e.type) {
    case 'Character':
    case 'CharacterClass':
    case 'CharacterSet':
    case 'ExpressionCharacterClass':
      return { min: 1, max: 1 };
    case 'Assertion':
      return { min: 0, max: 0 };
    case 'Backreference':
      return { min: 0, max: Infinity };
    case 'Group':
    case 'CapturingGroup': {
      const rs = e.alternatives.map((a) => lengthRange(a.elements));
      return { min: Math.min(...rs.map((r) => r.min)), max: Math.max(...rs.map((r) => r.max)) };
    }
    case 'Quantifier': {
      const r = elementLength(e.element);
      return { min: r.min * e.min, max: e.max === Infinity ? (r.max === 0 ? 0 : Infinity) : r.max * e.max };
    }
    default:
      return { min: 0, max: Infinity };
  }
}

/** `null` when PCRE compiles the pattern; otherwise PCRE's complaint (for origin-pattern-invalid). */
export function pcreSyntaxError(pattern: string): { message: string; offset?: number } | null {
  // one allowlist map is evaluated into every route that uses it: check each pattern once
  let hit = syntaxCache.get(pattern);
  if (hit === undefined) {
    const t = translatePcre(pattern, false);
    hit = t.ok || !t.invalid ? null : t.offset !== undefined ? { message: t.reason, offset: t.offset } : { message: t.reason };
    if (syntaxCache.size > 5000) syntaxCache.clear();
    syntaxCache.set(pattern, hit);
  }
  return hit && { ...hit };
}

const syntaxCache = new Map<string, { message: string; offset?: number } | null>();

export type CompiledOriginRegex = { ok: true; regexp: RegExp; translation: Extract<Translation, { ok: true }> } | { ok: false; reason: string; invalid: boolean };

const compileCache = new Map<string, CompiledOriginRegex>();

/** The ECMAScript RegExp that tests like nginx would (search semantics, `~*` = case-insensitive). */
export function compileOriginRegex(source: string, caseInsensitive: boolean, dialect: 'pcre' | 'ecmascript' = 'pcre'): CompiledOriginRegex {
  const key = `${dialect}\0${caseInsensitive ? 'i' : ''}\0${source}`;
  let hit = compileCache.get(key);
  if (hit) return hit;
  if (dialect === 'ecmascript') {
    try {
      const flags = caseInsensitive ? 'i' : '';
      hit = { ok: true, regexp: new RegExp(source, flags), translation: { ok: true, source, analysisSource: source, flags } };
    } catch (err) {
      hit = { ok: false, invalid: true, reason: (err as Error).message };
    }
  } else {
    const t = translatePcre(source, caseInsensitive);
    hit = t.ok ? { ok: true, regexp: new RegExp(t.source, t.flags), translation: t } : { ok: false, invalid: t.invalid, reason: t.reason };
  }
  if (compileCache.size > 5000) compileCache.clear();
  compileCache.set(key, hit);
  return hit;
}

// ---------------------------------------------------------------------------------------------
// Domains

/** Generic TLDs where anyone can register a name (ccTLDs: any two letters). */
const OPEN_TLDS = new Set(
  (
    'com net org info biz io co app dev xyz me tv cc ai sh online site website store shop tech cloud page ' +
    'link click live life world today space fun top club pro name mobi asia academy agency digital email ' +
    'group media network news services solutions systems team tools works zone blog design studio art ' +
    'global land one plus run social software support lol wtf ninja rocks host hosting codes center ' +
    'company consulting dev finance money pay bank security'
  ).split(' '),
);

/** Second-level public suffixes (a registrable domain under them has three labels). */
const SECOND_LEVEL_SUFFIXES = new Set(
  (
    'co.uk org.uk ac.uk gov.uk me.uk ltd.uk plc.uk com.au net.au org.au edu.au gov.au co.nz org.nz co.jp ne.jp or.jp ac.jp ' +
    'com.br net.br org.br com.cn net.cn org.cn com.mx com.tr co.in net.in org.in co.za co.kr or.kr com.sg com.hk ' +
    'com.tw com.ar com.co com.pe com.ve com.ua co.il co.id com.my com.ph com.vn com.pk com.ng com.eg co.th'
  ).split(' '),
);

/** Hosting suffixes where anyone can publish under a subdomain (Public Suffix List, private part). */
export const SHARED_HOST_SUFFIXES = [
  'github.io',
  'gitlab.io',
  'herokuapp.com',
  'cloudfront.net',
  's3.amazonaws.com',
  'amazonaws.com',
  'vercel.app',
  'now.sh',
  'netlify.app',
  'netlify.com',
  'pages.dev',
  'workers.dev',
  'azurewebsites.net',
  'azurestaticapps.net',
  'blob.core.windows.net',
  'appspot.com',
  'web.app',
  'firebaseapp.com',
  'glitch.me',
  'onrender.com',
  'fly.dev',
  'repl.co',
  'surge.sh',
  'ngrok.io',
  'ngrok-free.app',
  'trycloudflare.com',
  'codepen.io',
  'jsfiddle.net',
  'stackblitz.io',
  'blogspot.com',
  'wordpress.com',
] as const;

function isOpenTld(label: string): boolean {
  return OPEN_TLDS.has(label) || /^[a-z]{2}$/.test(label);
}

/** The registrable domain (eTLD+1) of a host, from a small built-in suffix list; the host itself for one label. */
export function registrableDomain(host: string): string {
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length <= 2) return labels.join('.');
  const last2 = labels.slice(-2).join('.');
  const shared = SHARED_HOST_SUFFIXES.find((s) => host === s || host.endsWith(`.${s}`));
  if (shared) {
    const n = shared.split('.').length + 1;
    return labels.slice(-Math.min(n, labels.length)).join('.');
  }
  return labels.slice(SECOND_LEVEL_SUFFIXES.has(last2) ? -3 : -2).join('.');
}

function isUnderSite(host: string, site: string): boolean {
  const s = site.toLowerCase().replace(/^\*\./, '').replace(/\.$/, '');
  return host === s || host.endsWith(`.${s}`);
}

const HOST_LABEL = /^[a-z0-9_-]+$/;
const REG_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Whether an attacker could serve a page at this origin: http(s), serialized as browsers send it,
 * a host under a real top-level domain with a registrable name, and not within `sites`.
 */
export function isAttackerOrigin(origin: string, sites: readonly string[]): boolean {
  const m = /^(https?):\/\/([^/:?#]+)(?::([0-9]{1,5}))?$/.exec(origin);
  if (!m) return false;
  const [, scheme, host, port] = m;
  if (port !== undefined && (/^0/.test(port) || Number(port) > 65535 || Number(port) === (scheme === 'https' ? 443 : 80))) return false;
  const labels = host!.split('.');
  if (labels.length < 2 || labels.some((l) => !HOST_LABEL.test(l))) return false;
  const tld = labels[labels.length - 1]!;
  if (!isOpenTld(tld)) return false;
  const last2 = labels.slice(-2).join('.');
  const regIndex = SECOND_LEVEL_SUFFIXES.has(last2) ? labels.length - 3 : labels.length - 2;
  if (regIndex < 0 || !REG_LABEL.test(labels[regIndex]!)) return false;
  return !sites.some((s) => isUnderSite(host!, s));
}

// ---------------------------------------------------------------------------------------------
// Analysis

export type PatternIssueKind = 'unanchored-start' | 'unanchored-end' | 'unescaped-dot' | 'no-label-boundary' | 'broad-class' | 'http-allowed';

export interface PatternIssue {
  kind: PatternIssueKind;
  /** human explanation naming the part of the pattern */
  detail: string;
}

export type PatternAnalysis =
  | {
      ok: true;
      /** domains the pattern is meant for: the configured sites, or inferred from its literal hosts */
      intendedSites: string[];
      /** literal hosts written in the pattern (`www.example.com`) */
      literalHosts: string[];
      /** an origin an attacker can host that the pattern accepts, if one was found */
      attackerOrigin?: string;
      /** why the attacker origin passes (the first applicable issue) */
      explanation?: string;
      issues: PatternIssue[];
      /** accepts unrelated origins like https://evil.example: an allowlist in name only */
      acceptsAny: boolean;
      /** an accepted plain-http origin that is not loopback */
      httpOrigin?: string;
      /** an accepted origin on a shared hosting suffix (anyone can publish there) */
      sharedHost?: { suffix: string; origin: string };
      /** the automaton search could not complete (size/time limits, assertions); results may miss bypasses */
      partial?: string;
    }
  | { ok: false; invalid: boolean; reason: string };

export interface PatternInput {
  kind: 'regex' | 'wildcard';
  /** regex source, or the wildcard entry */
  source: string;
  caseInsensitive?: boolean;
  dialect?: 'pcre' | 'ecmascript';
}

const analysisCache = new Map<string, PatternAnalysis>();

function wildcardSource(pattern: string): string {
  return `^${pattern
    .split('*')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*')}$`;
}

/** Analyses one allowlist pattern against the intended sites (empty: infer from the pattern). Never throws. */
export function analyseOriginPattern(input: PatternInput, sites: readonly string[] = []): PatternAnalysis {
  const key = `${input.kind}\0${input.dialect ?? 'pcre'}\0${input.caseInsensitive ? 'i' : ''}\0${input.source}\0${sites.join(',')}`;
  const cached = analysisCache.get(key);
  if (cached) return cached;
  let result: PatternAnalysis;
  try {
    result = analyse(input, sites);
  } catch (err) {
    if (err instanceof AutomatonNotLoadedError) throw err;
    result = { ok: false, invalid: false, reason: `cannot analyse: ${(err as Error).message}` };
  }
  if (analysisCache.size > 2000) analysisCache.clear();
  analysisCache.set(key, result);
  return result;
}

/**
 * Whether analysing this pattern needs the automaton search and it is not loaded yet. Runs the
 * analysis when it can finish without it (the result is cached for the rules that ask next).
 */
export function needsAutomaton(input: PatternInput, sites: readonly string[] = []): boolean {
  if (automaton) return false;
  try {
    analyseOriginPattern(input, sites);
    return false;
  } catch (err) {
    if (err instanceof AutomatonNotLoadedError) return true;
    throw err;
  }
}

/** What the bypass analysis reads from a pattern: its exact test, translation, and alternatives with their anchors at the edges. */
export type PatternParts =
  | { ok: true; test: (origin: string) => boolean; translation: Extract<Translation, { ok: true }>; alternatives: AST.Element[][] }
  | { ok: false; invalid: boolean; reason: string };

export function patternParts(input: PatternInput): PatternParts {
  const compiled =
    input.kind === 'wildcard'
      ? compileOriginRegex(wildcardSource(input.source), false, 'ecmascript')
      : compileOriginRegex(input.source, input.caseInsensitive ?? false, input.dialect ?? 'pcre');
  if (!compiled.ok) return { ok: false, invalid: compiled.invalid, reason: compiled.reason };
  const { regexp, translation } = compiled;
  const test = (origin: string): boolean => regexp.test(origin);
  const ast =
    parsedAnalysisSource.get(translation) ??
    new RegExpParser({ ecmaVersion: 2025 }).parsePattern(translation.analysisSource, 0, translation.analysisSource.length, {
      unicode: false,
    });
  return { ok: true, test, translation, alternatives: expandEdges(ast.alternatives.map((a) => [...a.elements])) };
}

function analyse(input: PatternInput, configuredSites: readonly string[]): PatternAnalysis {
  const parts = patternParts(input);
  if (!parts.ok) return parts;
  const { test, translation, alternatives } = parts;
  const literalHosts = [...new Set(alternatives.flatMap((alt) => skeletons(alt).flatMap(hostsIn)))];
  const intendedSites = configuredSites.length > 0 ? [...configuredSites] : [...new Set(literalHosts.map(registrableDomain))];
  const issues = findIssues(alternatives, translation.analysisSource);
  const acceptsAny = test('https://evil.example') && test('https://attacker.net');

  const result: Extract<PatternAnalysis, { ok: true }> = { ok: true, intendedSites, literalHosts, issues, acceptsAny };

  // Readable candidates first, then the automaton.
  const candidates = candidateOrigins(literalHosts, intendedSites);
  let attacker = candidates.find((o) => test(o) && isAttackerOrigin(o, intendedSites));
  if (!attacker && !acceptsAny && !provablyNoAttacker(alternatives, intendedSites)) {
    if (!automaton) throw new AutomatonNotLoadedError();
    const search = automaton.automatonSearch(alternatives, translation.flags, intendedSites, test);
    attacker = search.origin;
    if (search.partial) result.partial = search.partial;
  }
  if (acceptsAny && !attacker) attacker = 'https://attacker.net';
  if (attacker) {
    result.attackerOrigin = attacker;
    result.explanation = explain(attacker, literalHosts, issues);
  }

  const httpCandidates = [...literalHosts.map((h) => `http://${h}`), 'http://attacker.net'];
  const http = httpCandidates.find((o) => {
    const host = o.slice('http://'.length);
    return !isLoopback(host) && /\./.test(host) && test(o);
  });
  if (http) result.httpOrigin = http;

  if (!acceptsAny) {
    for (const suffix of SHARED_HOST_SUFFIXES) {
      const probe = `https://corslint-attacker.${suffix}`;
      if (test(probe) && !configuredSites.some((s) => isUnderSite(`corslint-attacker.${suffix}`, s))) {
        result.sharedHost = { suffix, origin: probe };
        break;
      }
    }
  }
  return result;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '[::1]';
}

function candidateOrigins(hosts: readonly string[], sites: readonly string[]): string[] {
  const out: string[] = [];
  for (const scheme of ['https', 'http']) {
    for (const h of hosts) out.push(`${scheme}://${h}.attacker.net`, `${scheme}://x.${h}.attacker.net`);
    for (const s of sites) out.push(`${scheme}://attacker${s}`, `${scheme}://attacker-${s}`);
    for (const h of hosts) {
      const dots = [...h].flatMap((ch, i) => (ch === '.' ? [i] : []));
      for (const d of dots) out.push(`${scheme}://${h.slice(0, d)}x${h.slice(d + 1)}`);
      for (const d of dots) out.push(`${scheme}://${h.slice(0, d)}x${h.slice(d + 1)}.net`);
      out.push(`${scheme}://${h}_.attacker.net`, `${scheme}://${h}-attacker.net`, `${scheme}://attacker${h}`);
      out.push(`${scheme}://${h}.attacker.net:8443`);
    }
    out.push(`${scheme}://attacker.net`);
  }
  return out;
}

/** Distributes leading/trailing groups so that every alternative's own `^`/`$` sits at its edge. */
function expandEdges(alts: AST.Element[][], budget = 64): AST.Element[][] {
  const out: AST.Element[][] = [];
  const queue = [...alts];
  while (queue.length > 0) {
    const alt = queue.shift()!;
    const first = alt[0];
    const last = alt[alt.length - 1];
    if (first && (first.type === 'Group' || first.type === 'CapturingGroup') && out.length + queue.length + first.alternatives.length <= budget) {
      for (const inner of first.alternatives) queue.push([...inner.elements, ...alt.slice(1)]);
      continue;
    }
    if (
      last &&
      alt.length > 1 &&
      (last.type === 'Group' || last.type === 'CapturingGroup') &&
      out.length + queue.length + last.alternatives.length <= budget
    ) {
      for (const inner of last.alternatives) queue.push([...alt.slice(0, -1), ...inner.elements]);
      continue;
    }
    out.push(alt);
  }
  return out;
}

export function isStartAnchor(e: AST.Element | undefined): boolean {
  return e?.type === 'Assertion' && e.kind === 'start';
}
export function isEndAnchor(e: AST.Element | undefined): boolean {
  return e?.type === 'Assertion' && e.kind === 'end';
}

/** Serializes elements with capturing groups made non-capturing (so expanded copies stay valid). */
export function serialize(elements: readonly AST.Element[]): string {
  return elements.map(serializeElement).join('');
}
function serializeElement(e: AST.Element): string {
  switch (e.type) {
    case 'Group':
    case 'CapturingGroup':
      return `(?:${e.alternatives.map((a) => serialize(a.elements)).join('|')})`;
    case 'Assertion':
      if (e.kind === 'lookahead' || e.kind === 'lookbehind') {
        return `(?${e.kind === 'lookbehind' ? '<' : ''}${e.negate ? '!' : '='}${e.alternatives.map((a) => serialize(a.elements)).join('|')})`;
      }
      return e.raw;
    case 'Quantifier':
      return serializeElement(e.element) + e.raw.slice(e.element.raw.length);
    default:
      return e.raw;
  }
}

/** Literal text of an alternative, with optional groups both taken and skipped; `\0` where a class breaks it. */
function skeletons(elements: readonly AST.Element[], cap = 32): string[] {
  let acc = [''];
  const add = (parts: string[]): void => {
    const next: string[] = [];
    for (const a of acc) for (const p of parts) if (next.length < cap) next.push(a + p);
    acc = next;
  };
  for (const e of elements) {
    switch (e.type) {
      case 'Character':
        add([String.fromCodePoint(e.value).toLowerCase()]);
        break;
      case 'CharacterSet':
        add([e.kind === 'any' ? '.' : '\0']);
        break;
      case 'CharacterClass': {
        const only = !e.negate && e.elements.length === 1 && e.elements[0]!.type === 'Character' ? e.elements[0] : undefined;
        add([only && only.type === 'Character' ? String.fromCodePoint(only.value).toLowerCase() : '\0']);
        break;
      }
      case 'Group':
      case 'CapturingGroup':
        add(e.alternatives.flatMap((a) => skeletons(a.elements, cap)));
        break;
      case 'Quantifier': {
        const inner = e.element.type === 'Group' || e.element.type === 'CapturingGroup' || e.element.type === 'Character';
        if (e.min === 0 && e.max === 1 && inner) add(['', ...skeletons([e.element], cap)]);
        else add(['\0']);
        break;
      }
      case 'Assertion':
        break;
      default:
        add(['\0']);
    }
  }
  return acc;
}

function hostsIn(skeleton: string): string[] {
  const out: string[] = [];
  for (const piece of skeleton.split('\0')) {
    const afterScheme = piece.includes('://') ? piece.slice(piece.lastIndexOf('://') + 3) : piece;
    for (const m of afterScheme.matchAll(/[a-z0-9_-]+(?:\.[a-z0-9_-]+)+|localhost/g)) {
      const host = m[0].replace(/^[-_.]+|[-_.]+$/g, '');
      const labels = host.split('.');
      if (labels.length >= 2 && /[a-z]/.test(labels[labels.length - 1]!)) out.push(host);
      else if (host === 'localhost') out.push(host);
    }
  }
  return out;
}

function findIssues(alts: AST.Element[][], source: string): PatternIssue[] {
  const issues: PatternIssue[] = [];
  const seen = new Set<string>();
  const push = (kind: PatternIssueKind, detail: string): void => {
    if (seen.has(kind)) return;
    seen.add(kind);
    issues.push({ kind, detail });
  };
  for (const alt of alts) {
    const text = serialize(alt);
    if (!isStartAnchor(alt[0])) push('unanchored-start', `the alternative \`${text}\` has no \`^\` anchor`);
    if (!isEndAnchor(alt[alt.length - 1])) push('unanchored-end', `the alternative \`${text}\` has no \`$\` anchor`);
    for (let k = 0; k < alt.length; k++) {
      const e = alt[k]!;
      const next = alt[k + 1];
      if (e.type === 'CharacterSet' && e.kind === 'any' && next?.type === 'Character' && /[a-z0-9]/i.test(String.fromCodePoint(next.value))) {
        const prev = alt[k - 1];
        if (prev?.type === 'Character' && /[a-z0-9]/i.test(String.fromCodePoint(prev.value))) {
          push('unescaped-dot', `the \`.\` in \`${contextAround(alt, k)}\` is not escaped and matches any character`);
        }
      }
      if (e.type === 'Quantifier' && e.max === Infinity) {
        const inner = e.element;
        const broad =
          (inner.type === 'CharacterSet' && (inner.kind === 'any' || inner.kind === 'word' || (inner.kind === 'space' && inner.negate))) ||
          (inner.type === 'CharacterClass' && inner.negate);
        if (broad) {
          const nextIsLiteralHost = next?.type === 'Character' && /[a-z0-9]/i.test(String.fromCodePoint(next.value));
          if (nextIsLiteralHost) push('no-label-boundary', `\`${e.raw}\` before \`${contextAround(alt, k + 1)}\` does not require a \`.\` label boundary`);
          else push('broad-class', `\`${e.raw}\` accepts any characters in the host`);
        }
      }
    }
  }
  if (/https\?/.test(source) || /http\[s\]\??/.test(source)) push('http-allowed', '`https?` also accepts plain http:// origins');
  return issues;
}

function contextAround(alt: AST.Element[], k: number): string {
  let start = k;
  while (start > 0 && ['Character', 'CharacterSet'].includes(alt[start - 1]!.type)) start--;
  let end = k;
  while (end < alt.length - 1 && ['Character', 'CharacterSet'].includes(alt[end + 1]!.type)) end++;
  const text = alt
    .slice(start, end + 1)
    .map((e) => e.raw)
    .join('')
    .replace(/\\\//g, '/');
  return text.includes('://') ? text.slice(text.indexOf('://') + 3) : text;
}

function explain(origin: string, hosts: readonly string[], issues: readonly PatternIssue[]): string {
  const host = origin.replace(/^[a-z]+:\/\//, '').replace(/:\d+$/, '');
  const has = (k: PatternIssueKind): PatternIssue | undefined => issues.find((i) => i.kind === k);
  for (const h of hosts) {
    if (host.startsWith(h) && host !== h && has('unanchored-end')) {
      return `nothing anchors the end of the pattern (no \`$\`), so any host that starts with ${h} passes`;
    }
  }
  for (const h of hosts) {
    if (host.endsWith(h) && host !== h && host[host.length - h.length - 1] !== '.') {
      const why = has('no-label-boundary') ?? has('unanchored-start') ?? has('broad-class');
      if (why) return `${why.detail}, so any domain ending in "${h}" passes`;
    }
  }
  const dot = has('unescaped-dot');
  if (dot) return dot.detail;
  const broad = has('broad-class') ?? has('no-label-boundary');
  if (broad) return broad.detail;
  const end = has('unanchored-end') ?? has('unanchored-start');
  if (end) return end.detail;
  return 'the pattern accepts hosts outside the intended sites';
}

// ---------------------------------------------------------------------------------------------
// Proof without the automaton

/**
 * True only when no string the pattern accepts is an attacker origin (`isAttackerOrigin` for
 * these sites), proven from the pattern's structure; false means "not proven" (the automaton
 * decides). Every alternative must be anchored and read `^S://P R T$`, where
 * - S (the scheme) cannot produce `:`; all literal and neither http nor https, the alternative
 *   never accepts an http(s) origin at all;
 * - R is the longest run of literal host characters (`a-z0-9._-`) before T, with a non-digit,
 *   and R without a leading `.` is a host under one of the sites;
 * - every nonempty string of P ends in `.` (`(www\.)?`, `([a-z0-9-]+\.)*`, `(.*\.)?`), unless R
 *   itself starts with `.` (then P may be anything: `[a-z]+\.example\.com`, `.*\.example\.com`);
 * - every nonempty string of T starts with `:` (`(:[0-9]+)?`, `:8443`).
 * `isAttackerOrigin` takes only `http(s)://host(:digits)?` with a lowercase host free of `/:?#`:
 * since S has no `:`, such a string's scheme is S's text; a `/?#` in P cannot parse, nor can a `:`
 * in P (all that follows it must be digits, and R has a non-digit); so the host is P's text + R,
 * i.e. R or a subdomain of it, under a site, which `isAttackerOrigin` rejects.
 */
export function provablyNoAttacker(alternatives: readonly (readonly AST.Element[])[], sites: readonly string[]): boolean {
  return alternatives.length > 0 && alternatives.every((alt) => alternativeHasNoAttacker(alt, sites));
}

const COLON = 0x3a;
const DOT = 0x2e;
const SLASH = 0x2f;

function alternativeHasNoAttacker(alt: readonly AST.Element[], sites: readonly string[], budget = { left: 64 }): boolean {
  if (alt.length < 2 || !isStartAnchor(alt[0]) || !isEndAnchor(alt[alt.length - 1])) return false;
  const body = alt.slice(1, -1);
  // `^(A|B)C$` and `^A(B|C)$` are `^AC$|^BC$` and `^AB$|^AC$`: prove each
  for (const at of [0, body.length - 1]) {
    const g = body[at];
    if (g?.type !== 'Group' && g?.type !== 'CapturingGroup') continue;
    if ((budget.left -= g.alternatives.length) < 0) return false;
    return g.alternatives.every((inner) =>
      alternativeHasNoAttacker([alt[0]!, ...body.slice(0, at), ...inner.elements, ...body.slice(at + 1), alt[alt.length - 1]!], sites, budget),
    );
  }
  let colon = 0;
  for (; colon < body.length && !isCharacter(body[colon]!, COLON); colon++) if (!neverColon(body[colon]!)) return false;
  if (!isCharacter(body[colon + 1], SLASH) || !isCharacter(body[colon + 2], SLASH)) return false;
  const scheme = body.slice(0, colon);
  if (scheme.every((e) => e.type === 'Character')) {
    // ASCII folding only (the flags add at most `i`): without `u`, no non-ASCII character matches an ASCII one.
    const text = asciiLower(scheme.map((e) => String.fromCharCode((e as AST.Character).value)).join(''));
    if (text !== 'http' && text !== 'https') return true;
  }
  const rest = body.slice(colon + 3);
  for (let t = rest.length; t >= 0; t--) {
    const tail = rest.slice(t);
    if (!sequenceEdgeIs(tail, COLON, 'start')) continue;
    let r = t;
    while (r > 0 && isHostCharacter(rest[r - 1]!)) r--;
    if (r === t) continue;
    const run = asciiLower(
      rest
        .slice(r, t)
        .map((e) => String.fromCharCode((e as AST.Character).value))
        .join(''),
    );
    if (!/[^0-9]/.test(run)) continue;
    // the run is lowercased: an accepted host with an uppercase letter is never an attacker origin
    const host = run.startsWith('.') ? run.slice(1) : run;
    if (host === '' || !sites.some((s) => isUnderSite(host, s))) continue;
    if (run.startsWith('.') || sequenceEdgeIs(rest.slice(0, r), DOT, 'end')) return true;
  }
  return false;
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function isCharacter(e: AST.Element | undefined, code: number): boolean {
  return e?.type === 'Character' && e.value === code;
}

function isHostCharacter(e: AST.Element): boolean {
  return e.type === 'Character' && /^[A-Za-z0-9._-]$/.test(String.fromCharCode(e.value));
}

/** Whether e may match the empty string (true when unsure: callers then demand more). */
function canBeEmpty(e: AST.Element): boolean {
  switch (e.type) {
    case 'Character':
    case 'CharacterClass':
    case 'CharacterSet':
      return false;
    case 'Quantifier':
      return e.min === 0 || canBeEmpty(e.element);
    case 'Group':
    case 'CapturingGroup':
      return e.alternatives.some((a) => a.elements.every(canBeEmpty));
    default:
      return true;
  }
}

/** e matches exactly the one character `code` (false when unsure). */
function onlyCharacter(e: AST.Element, code: number): boolean {
  if (e.type === 'Character') return e.value === code;
  if (e.type === 'CharacterClass') return !e.negate && e.elements.length > 0 && e.elements.every((c) => c.type === 'Character' && c.value === code);
  return false;
}

/**
 * Every nonempty string e matches has the character `code` at its first (`start`) or last
 * (`end`) position (false when unsure).
 */
function edgeIs(e: AST.Element, code: number, edge: 'start' | 'end'): boolean {
  switch (e.type) {
    case 'Quantifier':
      return edgeIs(e.element, code, edge);
    case 'Group':
    case 'CapturingGroup':
      return e.alternatives.every((a) => sequenceEdgeIs(a.elements, code, edge));
    default:
      return onlyCharacter(e, code);
  }
}

/** The same for a sequence: its elements from that edge inwards, up to the first that cannot be empty. */
function sequenceEdgeIs(elements: readonly AST.Element[], code: number, edge: 'start' | 'end'): boolean {
  const n = elements.length;
  for (let i = 0; i < n; i++) {
    const e = elements[edge === 'start' ? i : n - 1 - i]!;
    if (!edgeIs(e, code, edge)) return false;
    if (!canBeEmpty(e)) return true;
  }
  return true;
}

/** No string e matches contains `:` (false when unsure). */
function neverColon(e: AST.Element): boolean {
  switch (e.type) {
    case 'Character':
      return e.value !== COLON;
    case 'CharacterClass':
      return (
        !e.negate &&
        e.elements.every((c) => (c.type === 'Character' && c.value !== COLON) || (c.type === 'CharacterClassRange' && (c.max.value < COLON || c.min.value > COLON)))
      );
    case 'CharacterSet':
      return (e.kind === 'digit' || e.kind === 'word') && !e.negate;
    case 'Quantifier':
      return neverColon(e.element);
    case 'Group':
    case 'CapturingGroup':
      return e.alternatives.every((a) => a.elements.every(neverColon));
    default:
      return false;
  }
}
