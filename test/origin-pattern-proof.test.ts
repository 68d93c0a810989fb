/**
 * The structural proof that settles safe allowlist patterns without the automaton search
 * (provablyNoAttacker), and the lazy loading of that search (needsAutomaton, loadOriginAutomaton).
 * The proof may only ever say "safe" when no attacker origin passes: checked against the
 * automaton search and against generated origins.
 */
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { automatonSearch } from '../src/model/origin-automaton.js';
import {
  analyseOriginPattern,
  isAttackerOrigin,
  patternParts,
  provablyNoAttacker,
  registrableDomain,
  type PatternInput,
} from '../src/model/origin-pattern.js';

/** The proof's verdict for a pattern, with the same alternatives and sites the analysis uses. */
function proven(input: PatternInput, configured: readonly string[] = []): boolean {
  const parts = patternParts(input);
  if (!parts.ok) throw new Error(parts.reason);
  const a = analyseOriginPattern(input, configured);
  if (!a.ok) throw new Error(a.reason);
  return provablyNoAttacker(parts.alternatives, a.intendedSites);
}

const regex = (source: string, caseInsensitive = true): PatternInput => ({ kind: 'regex', source, caseInsensitive });

describe('provablyNoAttacker: safe shapes it proves', () => {
  it.each([
    '^https://([a-z0-9-]+\\.)?example\\.com$',
    '^https://app\\.example\\.com$',
    '^https?://(www\\.)?example\\.com(:[0-9]+)?$',
    '^http[s]?://([a-z0-9-]+\\.)*example\\.com$',
    '^https://[a-z0-9-]+\\.example\\.com$',
    '^https://.*\\.example\\.com$',
    '^https://(.*\\.)?example\\.com$',
    '^https://(?:[a-z]+\\.)+example\\.com(?::\\d{2,5})?$',
    '^https://app\\.example\\.com:8443$',
    '^(https://app\\.example\\.com|https://admin\\.example\\.com)$',
    '^capacitor://localhost$',
    '^https://(app|api)\\.example\\.com$',
  ])('%s', (source) => {
    expect(proven(regex(source))).toBe(true);
    const a = analyseOriginPattern(regex(source));
    expect(a.ok && a.attackerOrigin).toBeFalsy();
  });

  it('a wildcard entry with a label boundary', () => {
    expect(proven({ kind: 'wildcard', source: 'https://*.example.com' })).toBe(true);
  });
});

describe('provablyNoAttacker: shapes it must leave to the automaton', () => {
  it.each([
    // unescaped dot
    ['^https://app.example\\.com$', []],
    ['^https://([a-z0-9-]+.)?example\\.com$', []],
    ['^https://www\\.example.com$', []],
    // missing anchors
    ['https://app\\.example\\.com$', []],
    ['^https://app\\.example\\.com', []],
    ['^https://app\\.example\\.com|evil', []],
    // `.*` (or another class) without a label boundary
    ['^https://.*example\\.com$', []],
    ['^https://[a-z]*example\\.com$', []],
    ['^https://[^/]*$', []],
    ['^https://.*$', []],
    // something after the host that is not a port
    ['^https://app\\.example\\.com.*$', []],
    ['^https://app\\.example\\.com(\\.[a-z]+)?$', ['example.com']],
    ['^https://app\\.example\\.com/?$', []],
    ['^https://app\\.example\\.com\\.?$', []],
    // alternations reaching outside the configured sites
    ['^https://(app\\.example\\.com|partner\\.io)$', ['example.com']],
    ['^https://app\\.example\\.com$|^https://evil\\.net$', ['example.com']],
    // a host not under the configured sites
    ['^https://app\\.example\\.com$', ['example.org']],
    // a scheme that may contain `:`, or none
    ['^[a-z:]+://app\\.example\\.com$', []],
    ['^//app\\.example\\.com$', []],
    // ports only: no host literal
    ['^https://[a-z]+:443$', []],
  ] as const)('%s (sites %j)', (source, sites) => {
    expect(proven(regex(source), sites)).toBe(false);
  });
});

describe('provablyNoAttacker agrees with the automaton (property)', () => {
  const start = fc.constantFrom('^', '^', '');
  const scheme = fc.constantFrom('https://', 'https?://', 'http[s]?://', 'https:\\/\\/', 'HTTPS://', 'capacitor://', '[a-z]+://', '[a-z:]*//', '');
  const prefix = fc.constantFrom(
    '',
    '(www\\.)?',
    '.*',
    '.*\\.',
    '([a-z0-9-]+\\.)?',
    '([a-z0-9-]+\\.)*',
    '(?:[a-z]+\\.)+',
    '(.*\\.)?',
    '[^/]*',
    '[^.]+\\.',
    '\\w+\\.',
    '\\w+',
    '[a-z]+',
    '[a-z.]*',
    '[a-z:]+\\.',
    '(a|b\\.)',
    '(a\\.|b\\.)?',
    '([a-z]+.)?',
    'x',
  );
  const host = fc.constantFrom(
    'example\\.com',
    'example.com',
    'app\\.example\\.com',
    'www.example\\.org',
    'api\\.example\\.co\\.uk',
    '\\.example\\.com',
    'example\\.com\\.evil\\.net',
    'com',
    '127\\.0\\.0\\.1',
    'localhost',
    'github\\.io',
    'Example\\.COM',
  );
  const suffix = fc.constantFrom('', '$', '$', '(:\\d+)?$', '(:[0-9]+)?$', ':8443$', '(:.*)?$', '[^/]*$', '.*', '/?$', '\\.?$', '(\\.[a-z]+)?$', '(:|\\.net)$');
  const part = fc.tuple(start, scheme, prefix, host, suffix).map((p) => p.join(''));
  const pattern = fc.oneof(
    { weight: 4, arbitrary: part },
    { weight: 1, arbitrary: fc.tuple(part, part).map(([a, b]) => `${a}|${b}`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(scheme, fc.array(fc.tuple(prefix, host).map((p) => p.join('')), { minLength: 1, maxLength: 3 }), suffix)
        .map(([s, hs, t]) => `^${s}(?:${hs.join('|')})${t}`),
    },
  );
  const sites = fc.constantFrom<readonly string[]>([], [], ['example.com'], ['example.org'], ['example.com', 'github.io']);
  const caseInsensitive = fc.boolean();

  it('where the proof says safe, the automaton finds no attacker origin either', () => {
    let provenCount = 0;
    fc.assert(
      fc.property(pattern, sites, caseInsensitive, (source, configured, ci) => {
        const input = regex(source, ci);
        const parts = patternParts(input);
        if (!parts.ok) return;
        const a = analyseOriginPattern(input, configured);
        if (!a.ok) return;
        if (!provablyNoAttacker(parts.alternatives, a.intendedSites)) return;
        provenCount++;
        const search = automatonSearch(parts.alternatives, parts.translation.flags, a.intendedSites, parts.test);
        expect(search.origin).toBeUndefined();
        expect(a.attackerOrigin).toBeUndefined();
      }),
      { numRuns: 600 },
    );
    // the generator reaches the proof often enough for the property to mean something
    expect(provenCount).toBeGreaterThan(30);
  });

  it('where the proof says safe, no generated origin passes as an attacker origin', () => {
    const label = fc.constantFrom('evil', 'example', 'app', 'www', 'com', 'net', 'a-b', 'x', 'io', 'github', 'co', 'uk', 'EXAMPLE', '127', '0', '1');
    const origin = fc
      .tuple(
        fc.constantFrom('https://', 'http://'),
        fc.array(label, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('', ':8443', ':80', ':1'),
      )
      .map(([s, labels, port]) => `${s}${labels.join('.')}${port}`);
    fc.assert(
      fc.property(pattern, sites, caseInsensitive, fc.array(origin, { minLength: 20, maxLength: 20 }), (source, configured, ci, origins) => {
        const input = regex(source, ci);
        const parts = patternParts(input);
        if (!parts.ok) return;
        const a = analyseOriginPattern(input, configured);
        if (!a.ok || !provablyNoAttacker(parts.alternatives, a.intendedSites)) return;
        // also the origins the pattern's own literal hosts suggest
        const own = a.literalHosts.flatMap((h) => [`https://${h}`, `https://evil.${h}`, `https://${h}.evil.net`, `https://x${h}`]);
        for (const o of [...origins, ...own]) expect(parts.test(o) && isAttackerOrigin(o, a.intendedSites)).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('inferred sites keep every proven literal host in scope', () => {
    // the proof reads hosts from the pattern; inferred sites come from the same literal hosts
    const a = analyseOriginPattern(regex('^https://([a-z]+\\.)?shop\\.example\\.co\\.uk$'));
    expect(a.ok && a.intendedSites).toEqual([registrableDomain('shop.example.co.uk')]);
    expect(proven(regex('^https://([a-z]+\\.)?shop\\.example\\.co\\.uk$'))).toBe(true);
  });
});

describe('the automaton chunk loads only when a pattern needs it', () => {
  it('a fresh module needs the automaton only for patterns nothing else settles, and never skips it', async () => {
    vi.resetModules();
    const fresh = await import('../src/model/origin-pattern.js');
    try {
      // settled without it: the proof, a readable candidate, or an invalid pattern
      expect(fresh.needsAutomaton(regex('^https://([a-z0-9-]+\\.)?example\\.com$'))).toBe(false);
      expect(fresh.needsAutomaton(regex('^https://.*example\\.com$'))).toBe(false);
      expect(fresh.needsAutomaton(regex('^https://(a'))).toBe(false);
      expect(fresh.needsAutomaton({ kind: 'wildcard', source: 'https://*.example.com' })).toBe(false);
      const undecided = regex('^https://[a-z]{1,3}x\\.example\\.com$');
      expect(fresh.needsAutomaton(undecided)).toBe(true);
      // analysing it without the automaton is a corslint bug, not a silent "no bypass"
      expect(() => fresh.analyseOriginPattern(undecided)).toThrow(fresh.AutomatonNotLoadedError);
      await fresh.loadOriginAutomaton();
      expect(fresh.needsAutomaton(undecided)).toBe(false);
      const a = fresh.analyseOriginPattern(undecided);
      expect(a.ok && a.attackerOrigin).toBeUndefined();
      // the same answer as with the automaton loaded from the start
      expect(a).toEqual(analyseOriginPattern(undecided));
    } finally {
      vi.resetModules();
    }
  });

  it('a bypass only the automaton finds is still found', async () => {
    // no readable candidate passes `[a-z]{1,3}x\.example\.com\.[a-z]{3}`; the automaton finds one
    const a = analyseOriginPattern(regex('^https://[a-z]{1,3}x\\.example\\.com\\.[a-z]{3}$'), ['example.com']);
    expect(a.ok && a.attackerOrigin).toMatch(/^https:\/\/[a-z]{1,3}x\.example\.com\.[a-z]{3}$/);
  });
});
