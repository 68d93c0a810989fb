/** PCRE translation, PCRE validity, and origin allowlist bypass analysis. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  analyseOriginPattern,
  compileOriginRegex,
  isAttackerOrigin,
  pcreSyntaxError,
  registrableDomain,
  translatePcre,
} from '../src/model/origin-pattern.js';

const accepts = (source: string, origin: string, ci = true): boolean => {
  const c = compileOriginRegex(source, ci);
  if (!c.ok) throw new Error(c.reason);
  return c.regexp.test(origin);
};

describe('translatePcre', () => {
  it.each([
    ['(?i)^https://app\\.example\\.com$', 'HTTPS://APP.example.com', true],
    ['\\Ahttps://app\\.example\\.com\\z', 'https://app.example.com', true],
    ['\\Ahttps://app\\.example\\.com\\Z', 'https://app.example.com.evil', false],
    ['^https://(?P<sub>[a-z]+)\\.example\\.com$', 'https://api.example.com', true],
    ['^https://(?<sub>[a-z]+)\\.(?P=sub)\\.com$', 'https://abc.abc.com', true],
    ['^https://[[:alnum:]-]+\\.example\\.com$', 'https://a-1.example.com', true],
    ['^https://[[:alpha:]]+\\.example\\.com$', 'https://a1.example.com', false],
    ['^https://\\Qa.b\\E$', 'https://a.b', true],
    ['^https://\\Qa.b\\E$', 'https://axb', false],
    ['^https://[]a]+$', 'https://a]a', true],
    ['^https://(?#comment)a$', 'https://a', true],
    ['^https://\\x{61}$', 'https://a', true],
  ])('%s on %s → %s', (src, origin, want) => {
    expect(accepts(src, origin, false)).toBe(want);
  });

  it('atomic groups and possessive quantifiers keep PCRE semantics', () => {
    // (?>.*) takes everything and never gives back, so the literal after it can never match.
    expect(accepts('^https://(?>.*)\\.example\\.com$', 'https://a.example.com', false)).toBe(false);
    expect(accepts('^https://.*+\\.example\\.com$', 'https://a.example.com', false)).toBe(false);
    expect(accepts('^https://[a-z]++\\.example\\.com$', 'https://a.example.com', false)).toBe(true);
    expect(accepts('^https://(?>[a-z]+)\\.example\\.com$', 'https://a.example.com', false)).toBe(true);
  });

  it.each(['^(a(?R))$', '(?|a|b)', '(?(1)a|b)', '\\p{L}', 'a\\Kb', '(?x) a b'])('%s is valid PCRE we do not translate (cannot analyse)', (src) => {
    const t = translatePcre(src, false);
    expect(t.ok).toBe(false);
    if (!t.ok) expect(t.invalid).toBe(false);
    expect(pcreSyntaxError(src)).toBeNull();
  });
});

describe('pcreSyntaxError', () => {
  it.each([
    ['^https?://(localhost|app\\.example\\.com', /missing closing parenthesis/],
    ['^https://app\\.example\\.com)$', /unmatched closing parenthesis/],
    ['^https://[a-z+\\.example\\.com$', /missing terminating \]/],
    ['*.example.com', /does not follow a repeatable item/],
    ['^https://a**$', /nothing to repeat/],
    ['^https://[z-a]$', /range out of order/i],
    ['^https://\\i$', /unrecognized escape/],
    ['^https://a$\\', /at end of pattern/],
    ['(?<=a+)b', /lookbehind assertion is not fixed length/],
    ['^(a)\\2$', /non-existent subpattern/],
    ['^(?Q)', /unrecognized/],
    ['^https://a{3,1}$', /out of order/],
    ['[[:foo:]]', /unknown POSIX class/],
  ])('%s → %s', (src, message) => {
    const err = pcreSyntaxError(src);
    expect(err).not.toBeNull();
    expect(err!.message).toMatch(message);
  });

  it.each(['^https://(www\\.)?example\\.com$', '(?<=ab|c)d', 'a{,3}', '^https://a{2}$', '~', '[]]', 'a{'])('%s compiles', (src) => {
    expect(pcreSyntaxError(src)).toBeNull();
  });

  it('never throws on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        pcreSyntaxError(s);
        analyseOriginPattern({ kind: 'regex', source: s, caseInsensitive: true });
      }),
      { numRuns: 300 },
    );
  });
});

describe('domains', () => {
  it('registrableDomain', () => {
    expect(registrableDomain('www.example.com')).toBe('example.com');
    expect(registrableDomain('shop.example.co.uk')).toBe('example.co.uk');
    expect(registrableDomain('myorg.github.io')).toBe('myorg.github.io');
    expect(registrableDomain('localhost')).toBe('localhost');
  });

  it('isAttackerOrigin: hostable, registrable, outside the sites', () => {
    expect(isAttackerOrigin('https://example.com.attacker.net', ['example.com'])).toBe(true);
    expect(isAttackerOrigin('https://attackerexample.com', ['example.com'])).toBe(true);
    expect(isAttackerOrigin('https://a.example.com', ['example.com'])).toBe(false);
    expect(isAttackerOrigin('https://massbitxio', ['massbit.io'])).toBe(false);
    expect(isAttackerOrigin('https://evil.massbitxio', ['massbit.io'])).toBe(false);
    expect(isAttackerOrigin('capacitor://attacker.net', [])).toBe(false);
    expect(isAttackerOrigin('https://attacker.net:443', [])).toBe(false);
    expect(isAttackerOrigin('https://co.uk', [])).toBe(false);
  });
});

describe('analyseOriginPattern: real bypasses', () => {
  it.each([
    // missing $ (post-domain wildcard)
    ['^https://example\\.com', 'https://example.com.attacker.net', /no `\$`/],
    ['https?://(www\\.)?rustdesk\\.com', 'https://rustdesk.com.attacker.net', /no `\$`/],
    ['((^https://www\\.yandex\\.ru)|(^https://ya\\.ru)$)', 'https://www.yandex.ru.attacker.net', /no `\$`/],
    // missing label boundary (pre-domain wildcard)
    ['^https://.*example\\.com$', 'https://attackerexample.com', /label boundary/],
    ['example\\.com$', 'https://attackerexample.com', /example\.com/],
    // unescaped dot yielding a registrable host
    ['^https://www.example.com$', 'https://wwwxexample.com', /not escaped/],
    // over-broad class after the host
    ['^https://example\\.com[^/]*$', 'https://example.com.attacker.net', /accepts any characters/],
    ['^https://example\\.com\\S*$', 'https://example.com.attacker.net', /./],
  ])('%s accepts %s', (source, attacker, why) => {
    const a = analyseOriginPattern({ kind: 'regex', source, caseInsensitive: true });
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(a.attackerOrigin).toBe(attacker);
    expect(a.explanation).toMatch(why);
    expect(accepts(source, attacker)).toBe(true);
  });

  it('finds bypasses only the automaton can see', () => {
    const source = '^https://[a-z]+\\.example\\.com\\.[a-z]+$';
    const a = analyseOriginPattern({ kind: 'regex', source, caseInsensitive: false });
    expect(a.ok && a.attackerOrigin).toBeTruthy();
    if (!a.ok) return;
    expect(accepts(source, a.attackerOrigin!, false)).toBe(true);
    expect(isAttackerOrigin(a.attackerOrigin!, ['example.com'])).toBe(true);
  });

  it('uses the configured sites instead of the pattern literals', () => {
    const a = analyseOriginPattern({ kind: 'regex', source: '^https://([a-z]+\\.)?(example\\.com|partner\\.io)$', caseInsensitive: true }, ['example.com']);
    expect(a.ok && a.attackerOrigin).toBe('https://partner.io');
  });

  it('analyses wildcard entries', () => {
    const a = analyseOriginPattern({ kind: 'wildcard', source: 'https://*example.com' });
    expect(a.ok && a.attackerOrigin).toBe('https://attackerexample.com');
    const b = analyseOriginPattern({ kind: 'wildcard', source: 'https://*.example.com' });
    expect(b.ok && b.attackerOrigin).toBeUndefined();
  });
});

describe('analyseOriginPattern: no false alarms', () => {
  it.each([
    '^https://example\\.com$',
    '^https://(www\\.)?example\\.com$',
    '^https://([a-z0-9-]+\\.)*example\\.com$',
    '^https://[a-z0-9-]+\\.example\\.com(:[0-9]+)?$',
    '(?i)\\Ahttps://app\\.example\\.com\\z',
    '^https?://(.*\\.)?massbit.io(:\\d+)?$', // only https://massbitxio-style hosts: not registrable
    '^https?://(.*\\.)?oht-design.net(:\\d+)?$',
    '^https?://(.*\\.)?localhost(:\\d+)?$',
    '^https://example.com$', // https://examplexcom is a single label
    '^(https://app\\.example\\.com|capacitor://localhost|ionic://localhost|http://localhost)$',
    '^https://(?>[a-z]+)\\.example\\.com$',
  ])('%s has no attacker origin', (source) => {
    const a = analyseOriginPattern({ kind: 'regex', source, caseInsensitive: true });
    expect(a.ok).toBe(true);
    if (a.ok) expect(a.attackerOrigin).toBeUndefined();
  });

  it('reports patterns that accept anything as acceptsAny', () => {
    for (const s of ['.*', '.', '^https?://', 'https?://.+']) {
      const a = analyseOriginPattern({ kind: 'regex', source: s, caseInsensitive: true });
      expect(a.ok && a.acceptsAny, s).toBe(true);
    }
  });

  it('finds accepted plain-http and shared-host origins', () => {
    const a = analyseOriginPattern({ kind: 'regex', source: '^https?://(www\\.)?example\\.com$', caseInsensitive: true });
    expect(a.ok && a.httpOrigin).toBe('http://example.com');
    const b = analyseOriginPattern({ kind: 'regex', source: '^https://[a-z0-9-]+\\.github\\.io$', caseInsensitive: true });
    expect(b.ok && b.sharedHost?.suffix).toBe('github.io');
    expect(b.ok && b.attackerOrigin).toBeUndefined();
    const c = analyseOriginPattern({ kind: 'regex', source: '^https://myorg\\.github\\.io$', caseInsensitive: true });
    expect(c.ok && c.sharedHost).toBeUndefined();
  });
});

describe('analyseOriginPattern properties', () => {
  // Patterns built from pieces people write, good and bad.
  const host = fc.constantFrom('example\\.com', 'example.com', 'app\\.example\\.com', 'www.example\\.org', 'api\\.example\\.co\\.uk');
  const prefix = fc.constantFrom('', '(www\\.)?', '.*', '([a-z0-9-]+\\.)?', '(.*\\.)?', '[^/]*', '\\w+\\.');
  const suffix = fc.constantFrom('', '$', '(:\\d+)?$', '[^/]*$', '.*', '/?$');
  const scheme = fc.constantFrom('https://', 'https?://', 'http[s]?://', '');
  const start = fc.constantFrom('^', '');
  const pattern = fc.tuple(start, scheme, prefix, host, suffix).map((p) => p.join(''));

  it('every attacker origin is accepted by the regex and outside the intended sites', () => {
    fc.assert(
      fc.property(pattern, (source) => {
        const a = analyseOriginPattern({ kind: 'regex', source, caseInsensitive: true });
        expect(a.ok).toBe(true);
        if (!a.ok || !a.attackerOrigin || a.acceptsAny) return;
        expect(accepts(source, a.attackerOrigin)).toBe(true);
        expect(isAttackerOrigin(a.attackerOrigin, a.intendedSites)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('anchored, escaped patterns without wildcards never yield an attacker origin', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('com', 'net', 'io', 'co.uk'), (labels, tld) => {
        const hostText = [...labels, ...tld.split('.')].join('\\.');
        const a = analyseOriginPattern({ kind: 'regex', source: `^https://(www\\.)?${hostText}$`, caseInsensitive: true });
        expect(a.ok && a.attackerOrigin).toBeFalsy();
      }),
      { numRuns: 100 },
    );
  });
});
