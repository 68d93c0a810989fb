/**
 * The automaton half of the origin-pattern analysis: searches the language of an allowlist
 * pattern for an origin an attacker can host, with refa (about 1.1 MB of JavaScript). It is its
 * own lazy chunk: origin-pattern.ts decides first, with readable candidates and a structural
 * proof for the usual safe shapes, and only patterns left undecided need this module (see
 * `needsAutomaton` and `loadOriginAutomaton` there). Every origin it returns is checked against
 * the translated regex itself, so it can only make us miss a bypass, never invent one.
 */
import type { AST } from '@eslint-community/regexpp';
import { DFA, JS, NFA, Transformers, Words, transform } from 'refa';
import { isAttackerOrigin, isEndAnchor, isStartAnchor, serialize } from './origin-pattern.js';

const MAX_NODES = 20_000;
/** A backstop only: the node limits above bound the work; results must not depend on machine speed. */
const TIME_BUDGET_MS = 1000;

/** Searches L(pattern) ∩ attacker-hostable origins for a word, bounded in nodes and time. */
export function automatonSearch(
  alts: AST.Element[][],
  flags: string,
  sites: readonly string[],
  test: (o: string) => boolean,
): { origin?: string; partial?: string } {
  const started = Date.now();
  const body = alts
    .map((alt) => {
      const start = isStartAnchor(alt[0]);
      const end = alt.length > 0 && isEndAnchor(alt[alt.length - 1]);
      const inner = alt.slice(start ? 1 : 0, end ? -1 : undefined);
      return `${start ? '' : '[^]*'}${serialize(inner)}${end ? '' : '[^]*'}`;
    })
    .join('|');
  let patternNfa: NFA;
  let partial: string | undefined;
  try {
    const parser = JS.Parser.fromLiteral({ source: `^(?:${body})$`, flags });
    const parsed = parser.parse({ backreferences: 'disable', assertions: 'parse', maxNodes: MAX_NODES });
    const simplified = transform(Transformers.simplify({ ignoreAmbiguity: true, ignoreOrder: true }), parsed.expression);
    const expression = transform(Transformers.patternEdgeAssertions({ remove: true }), simplified);
    try {
      patternNfa = NFA.fromRegex(expression, { maxCharacter: parser.maxCharacter }, { assertions: 'throw' }, new NFA.LimitedNodeFactory(MAX_NODES));
    } catch {
      // Assertions left inside: drop the paths through them (a subset of the language: no false alarms).
      partial = 'assertions inside the pattern were not analysed';
      patternNfa = NFA.fromRegex(expression, { maxCharacter: parser.maxCharacter }, { assertions: 'disable' }, new NFA.LimitedNodeFactory(MAX_NODES));
    }
  } catch (err) {
    return { partial: `cannot build the pattern's automaton: ${(err as Error).message}` };
  }
  if (Date.now() - started > TIME_BUDGET_MS) return { partial: 'time budget exceeded' };
  try {
    const attacker = attackerLanguage(sites, patternNfa.maxCharacter);
    const both = NFA.fromIntersection(patternNfa, attacker, new NFA.LimitedNodeFactory(MAX_NODES));
    if (Date.now() - started > TIME_BUDGET_MS) return { partial: 'time budget exceeded' };
    const word = shortestWord(both);
    if (word === undefined) return partial ? { partial } : {};
    // Prefer https and a recognisable attacker label when the pattern still accepts them.
    const variants = [word.replace(/^http:/, 'https:'), word];
    const origin = variants.find((o) => test(o) && isAttackerOrigin(o, sites));
    if (origin) return partial ? { origin, partial } : { origin };
    return partial ? { partial } : {};
  } catch (err) {
    return { partial: `automaton search stopped: ${(err as Error).message}` };
  }
}

/** The shortest word an NFA accepts (BFS, most readable character per step); linear in its size. */
function shortestWord(nfa: NFA): string | undefined {
  const prev = new Map<NFA.Node, { from: NFA.Node; char: number } | null>([[nfa.initial, null]]);
  const queue: NFA.Node[] = [nfa.initial];
  for (let k = 0; k < queue.length; k++) {
    const node = queue[k]!;
    if (nfa.finals.has(node)) {
      const chars: number[] = [];
      for (let step = prev.get(node); step; step = prev.get(step.from)) chars.push(step.char);
      return String.fromCharCode(...chars.reverse());
    }
    for (const [to, set] of node.out) {
      if (prev.has(to)) continue;
      const char = Words.pickMostReadableCharacter(set);
      if (char === undefined) continue;
      prev.set(to, { from: node, char });
      queue.push(to);
    }
  }
  return undefined;
}

const attackerCache = new Map<string, NFA>();

/**
 * Origins an attacker might host, minus the intended sites. A few common top-level domains keep the
 * automaton small; `isAttackerOrigin` checks the final word again.
 */
function attackerLanguage(sites: readonly string[], maxCharacter: number): NFA {
  const key = `${maxCharacter}\0${sites.join(',')}`;
  const hit = attackerCache.get(key);
  if (hit) return hit;
  const reg = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
  const attackerSrc = `https?:\\/\\/(?:[a-z0-9_-]+\\.)*${reg}\\.(?:com|net|org|io|dev|app|xyz|co)(?::[1-9][0-9]{3})?`;
  const attackerParser = JS.Parser.fromLiteral({ source: attackerSrc, flags: '' });
  let attacker = NFA.fromRegex(attackerParser.parse().expression, { maxCharacter }, {}, new NFA.LimitedNodeFactory(MAX_NODES));
  if (sites.length > 0) {
    const escaped = sites.map((s) => s.toLowerCase().replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|');
    const intendedParser = JS.Parser.fromLiteral({ source: `https?:\\/\\/(?:[^]*\\.)?(?:${escaped})(?::[0-9]+)?`, flags: '' });
    const intended = DFA.fromFA(
      NFA.fromRegex(intendedParser.parse().expression, { maxCharacter }, {}, new NFA.LimitedNodeFactory(MAX_NODES)),
      new DFA.LimitedNodeFactory(MAX_NODES),
    );
    intended.complement();
    attacker = NFA.fromIntersection(attacker, intended, new NFA.LimitedNodeFactory(MAX_NODES));
  }
  if (attackerCache.size > 200) attackerCache.clear();
  attackerCache.set(key, attacker);
  return attacker;
}
