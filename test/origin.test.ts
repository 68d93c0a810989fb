/** Origin serialization, Access-Control-Allow-Origin value validation and valueForOrigin. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  isValidAllowOriginValue,
  normalizeOrigin,
  parseOrigin,
  reflectsAnyOrigin,
  serializeOrigin,
  valueForOrigin,
} from '../src/model/origin.js';
import type { HeaderValue, OriginMatcher } from '../src/model/types.js';

describe('parseOrigin / serializeOrigin', () => {
  it.each([
    ['https://app.example.com', 'https://app.example.com'],
    ['HTTPS://App.Example.COM', 'https://app.example.com'],
    ['https://app.example.com:443', 'https://app.example.com'],
    ['http://app.example.com:80', 'http://app.example.com'],
    ['http://localhost:8100', 'http://localhost:8100'],
    ['capacitor://localhost', 'capacitor://localhost'],
    ['ionic://localhost', 'ionic://localhost'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
  ])('%s serializes as %s', (input, expected) => {
    const parts = parseOrigin(input);
    expect(parts).not.toBeNull();
    expect(serializeOrigin(parts!)).toBe(expected);
  });

  it.each(['https://app.example.com/', 'app.example.com', 'https://u@app.example.com', 'https://a.example.com:99999', 'file:///x', ''])(
    '%s is not an origin',
    (input) => expect(parseOrigin(input)).toBeNull(),
  );

  it('normalizes page URLs to what browsers send', () => {
    expect(normalizeOrigin('https://App.Example.com:443/path?q')).toBe('https://app.example.com');
    expect(normalizeOrigin('null')).toBe('null');
    expect(normalizeOrigin('not a url')).toBeNull();
  });

  it('serialization is idempotent and lowercase (property)', () => {
    const label = fc.stringMatching(/^[a-zA-Z0-9]{1,8}$/);
    fc.assert(
      fc.property(fc.constantFrom('http', 'https', 'HTTPS', 'capacitor'), fc.array(label, { minLength: 1, maxLength: 4 }), fc.option(fc.integer({ min: 1, max: 65535 })), (scheme, labels, port) => {
        const text = `${scheme}://${labels.join('.')}${port === null ? '' : `:${port}`}`;
        const once = serializeOrigin(parseOrigin(text)!);
        expect(once).toBe(once.toLowerCase());
        expect(serializeOrigin(parseOrigin(once)!)).toBe(once);
        expect(isValidAllowOriginValue(once).valid).toBe(true);
      }),
    );
  });
});

describe('isValidAllowOriginValue', () => {
  it.each(['*', 'null', 'https://app.example.com', 'http://localhost:3000', 'capacitor://localhost', '  https://app.example.com  '])(
    '%s is valid',
    (v) => expect(isValidAllowOriginValue(v)).toEqual({ valid: true }),
  );

  it.each([
    ['https://app.example.com/', /slash/, 'https://app.example.com'],
    ['https://app.example.com/api', /path/, 'https://app.example.com'],
    ['HTTPS://app.example.com', /lowercase/, 'https://app.example.com'],
    ['https://App.Example.com', /lowercase/, 'https://app.example.com'],
    ['https://app.example.com:443', /default port 443/, 'https://app.example.com'],
    ['https://a.example.com https://b.example.com', /2 origins/, undefined],
    ['https://a.example.com, https://b.example.com', /2 origins/, undefined],
    ['https://*.example.com', /wildcard pattern/, undefined],
    ['*.example.com', /wildcard pattern/, undefined],
    ['app.example.com', /no scheme/, 'https://app.example.com'],
    ['Null', /case-sensitive/, 'null'],
  ])('%s is invalid (%s)', (v, reason, suggestion) => {
    const r = isValidAllowOriginValue(v);
    expect(r.valid).toBe(false);
    if (!r.valid) {
      expect(r.reason).toMatch(reason);
      expect(r.suggestion).toBe(suggestion);
    }
  });
});

describe('valueForOrigin', () => {
  const exact = (origin: string, caseInsensitive = false): OriginMatcher => ({ kind: 'exact', origin, caseInsensitive });
  const regex = (source: string, caseInsensitive = true, negated = false): OriginMatcher => ({ kind: 'regex', source, caseInsensitive, dialect: 'pcre', negated });

  it('literal, reflect and unknown values', () => {
    expect(valueForOrigin({ kind: 'literal', text: '*' }, 'https://a.example')).toEqual({ kind: 'text', text: '*' });
    expect(valueForOrigin({ kind: 'reflect' }, 'https://a.example')).toEqual({ kind: 'text', text: 'https://a.example' });
    expect(valueForOrigin({ kind: 'unknown', reason: 'lua' }, 'https://a.example')).toEqual({ kind: 'unknown', reason: 'lua' });
  });

  const allowlist: HeaderValue = {
    kind: 'by-origin',
    cases: [
      { when: exact('https://app.example.com', true), then: { kind: 'reflect' } },
      { when: regex('^https://([a-z0-9-]+\\.)?example\\.org$'), then: { kind: 'reflect' } },
      { when: { kind: 'wildcard', pattern: 'https://*.example.net' }, then: { kind: 'literal', text: 'https://www.example.net' } },
    ],
    otherwise: null,
  };

  it('first matching case wins; no match gives the otherwise outcome', () => {
    expect(valueForOrigin(allowlist, 'https://APP.example.com')).toEqual({ kind: 'text', text: 'https://APP.example.com' });
    expect(valueForOrigin(allowlist, 'https://api.example.org')).toEqual({ kind: 'text', text: 'https://api.example.org' });
    expect(valueForOrigin(allowlist, 'https://EXAMPLE.org')).toEqual({ kind: 'text', text: 'https://EXAMPLE.org' });
    expect(valueForOrigin(allowlist, 'https://x.example.net')).toEqual({ kind: 'text', text: 'https://www.example.net' });
    expect(valueForOrigin(allowlist, 'https://evil.example')).toEqual({ kind: 'absent' });
    expect(valueForOrigin(allowlist, 'https://example.org.evil.example')).toEqual({ kind: 'absent' });
  });

  it('exact matchers are case-sensitive unless marked', () => {
    const v: HeaderValue = { kind: 'by-origin', cases: [{ when: exact('https://App.example.com'), then: { kind: 'reflect' } }], otherwise: { kind: 'literal', text: '' } };
    expect(valueForOrigin(v, 'https://app.example.com')).toEqual({ kind: 'text', text: '' });
  });

  it('negated regexes and PCRE syntax', () => {
    const v: HeaderValue = {
      kind: 'by-origin',
      cases: [{ when: regex('(?i)\\Ahttps://blocked\\.example\\z', false, true), then: { kind: 'reflect' } }],
      otherwise: null,
    };
    expect(valueForOrigin(v, 'https://BLOCKED.example')).toEqual({ kind: 'absent' });
    expect(valueForOrigin(v, 'https://ok.example')).toEqual({ kind: 'text', text: 'https://ok.example' });
  });

  it('an unknown or unanalysable case before the match makes the result unknown', () => {
    const v: HeaderValue = {
      kind: 'by-origin',
      cases: [
        { when: { kind: 'unknown', reason: 'set by Lua' }, then: { kind: 'literal', text: 'x' } },
        { when: exact('https://a.example'), then: { kind: 'reflect' } },
      ],
      otherwise: null,
    };
    expect(valueForOrigin(v, 'https://a.example')).toEqual({ kind: 'unknown', reason: 'set by Lua' });
    const recursion: HeaderValue = { kind: 'by-origin', cases: [{ when: regex('^(a(?R))$'), then: { kind: 'reflect' } }], otherwise: null };
    expect(valueForOrigin(recursion, 'https://a.example').kind).toBe('unknown');
  });

  it('reflectsAnyOrigin: reflection, default reflection, and vacuous patterns', () => {
    expect(reflectsAnyOrigin({ kind: 'reflect' })).toBe(true);
    expect(reflectsAnyOrigin({ kind: 'by-origin', cases: [{ when: exact('https://a.example'), then: { kind: 'literal', text: 'https://a.example' } }], otherwise: { kind: 'reflect' } })).toBe(true);
    expect(reflectsAnyOrigin({ kind: 'by-origin', cases: [{ when: regex('.'), then: { kind: 'reflect' } }], otherwise: null })).toBe(true);
    expect(reflectsAnyOrigin({ kind: 'by-origin', cases: [{ when: { kind: 'wildcard', pattern: '*' }, then: { kind: 'reflect' } }], otherwise: null })).toBe(true);
    expect(reflectsAnyOrigin(allowlist)).toBe(false);
    expect(reflectsAnyOrigin({ kind: 'literal', text: '*' })).toBe(false);
  });
});
