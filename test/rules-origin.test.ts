/**
 * The Origin rules over hand-built model objects: which declarations they report, at which span,
 * with which severity, and what they must leave alone (unknown values, conditions, allowlists).
 */
import { describe, expect, it } from 'vitest';
import type { Report, Rule, RuleSettings } from '../src/engine/rule.js';
import type { HeaderRule, HeaderValue, OriginMatcher, OriginOutcome, Responder, Route, Span } from '../src/model/types.js';
import credentialsValueInvalid from '../rules/credentials-value-invalid.js';
import insecureOriginAllowed from '../rules/insecure-origin-allowed.js';
import invalidAllowOriginValue from '../rules/invalid-allow-origin-value.js';
import nullOriginAllowed from '../rules/null-origin-allowed.js';
import originPatternBypass from '../rules/origin-pattern-bypass.js';
import originPatternInvalid from '../rules/origin-pattern-invalid.js';
import reflectedOrigin from '../rules/reflected-origin.js';
import reflectedOriginWithCredentials from '../rules/reflected-origin-with-credentials.js';
import sharedHostOriginAllowed from '../rules/shared-host-origin-allowed.js';
import wildcardOriginWithCredentials from '../rules/wildcard-origin-with-credentials.js';

const FILE = '/cfg/api.conf';
const span = (line: number, column = 5): Span => ({ file: FILE, line, column, endLine: line, endColumn: column + 10 });

const lit = (text: string): HeaderValue => ({ kind: 'literal', text });
const reflect: HeaderValue = { kind: 'reflect' };
const out = (text: string): OriginOutcome => ({ kind: 'literal', text });
const regex = (source: string, line: number, ci = true): OriginMatcher => ({ kind: 'regex', source, caseInsensitive: ci, dialect: 'pcre', span: span(line, 9) });
const exact = (origin: string, line: number): OriginMatcher => ({ kind: 'exact', origin, caseInsensitive: true, span: span(line, 9) });
const echoIf = (...whens: OriginMatcher[]): HeaderValue => ({ kind: 'by-origin', cases: whens.map((when) => ({ when, then: { kind: 'reflect' } })), otherwise: null });

function header(name: string, value: HeaderValue, line: number, opts: Partial<HeaderRule> = {}): HeaderRule {
  return { name, value, onSuccess: true, onErrors: true, span: span(line), valueSpan: span(line, 40), addedBy: 'gateway', via: 'add_header', ...opts };
}
const acao = (value: HeaderValue, line = 10, opts: Partial<HeaderRule> = {}): HeaderRule => header('Access-Control-Allow-Origin', value, line, opts);
const acac = (value: HeaderValue = lit('true'), line = 11, opts: Partial<HeaderRule> = {}): HeaderRule =>
  header('Access-Control-Allow-Credentials', value, line, opts);

function route(headers: HeaderRule[], id = 'r1'): Route {
  const responder: Responder = { methods: '*', answeredBy: 'backend', status: { kind: 'backend' }, headers, auth: [], span: span(5), description: 'proxy' };
  return {
    id,
    source: 'nginx',
    name: 'location /',
    span: span(5),
    match: { hosts: [], path: { kind: 'prefix', value: '/' }, methods: '*' },
    responders: [responder],
    droppedHeaders: [],
    cookies: [],
  };
}

function run(rule: Rule, routes: Route[], settings: Partial<RuleSettings> = {}): Report[] {
  const reports: Report[] = [];
  rule.check({ routes, diagnostics: [], settings: { clients: [], sites: [], ...settings }, files: new Map(), report: (r) => reports.push(r) });
  return reports;
}
const brief = (rs: Report[]) => rs.map((r) => ({ line: r.span.line, column: r.span.column, severity: r.severity }));

describe('reflected-origin(-with-credentials)', () => {
  it('splits reflection by credentials and reports the value once per declaration', () => {
    const withCreds = [route([acao(reflect), acac()], 'a'), route([acao(reflect), acac()], 'b')];
    expect(brief(run(reflectedOriginWithCredentials, withCreds))).toEqual([{ line: 10, column: 40, severity: 'error' }]);
    expect(run(reflectedOrigin, withCreds)).toEqual([]);
    const noCreds = [route([acao(reflect)])];
    expect(brief(run(reflectedOrigin, noCreds))).toEqual([{ line: 10, column: 40, severity: 'warning' }]);
    expect(run(reflectedOriginWithCredentials, noCreds)).toEqual([]);
  });

  it('a map default echo counts; an allowlist, an unknown value and credentials under another condition do not', () => {
    const mapDefault: HeaderValue = { kind: 'by-origin', cases: [{ when: exact('https://app.example.com', 3), then: out('https://app.example.com') }], otherwise: { kind: 'reflect' } };
    expect(run(reflectedOriginWithCredentials, [route([acao(mapDefault), acac()])])).toHaveLength(1);
    expect(run(reflectedOriginWithCredentials, [route([acao(echoIf(exact('https://app.example.com', 3))), acac()])])).toEqual([]);
    expect(run(reflectedOrigin, [route([acao({ kind: 'unknown', reason: 'Lua' })])])).toEqual([]);
    const conditional = [route([acao(reflect), acac(lit('true'), 11, { condition: '$arg_debug' })])];
    expect(run(reflectedOriginWithCredentials, conditional)).toEqual([]);
    expect(run(reflectedOrigin, conditional)).toHaveLength(1);
  });

  it('credentials granted only to allowlisted origins do not make the echo credentialed', () => {
    const credsForApp: HeaderValue = { kind: 'by-origin', cases: [{ when: exact('https://app.example.com', 3), then: out('true') }], otherwise: null };
    expect(run(reflectedOriginWithCredentials, [route([acao(reflect), acac(credsForApp)])])).toEqual([]);
  });
});

describe('origin-pattern-bypass', () => {
  it('reports the matcher span with an attacker origin; error with credentials, warning without', () => {
    const value = echoIf(regex('^https://app\\.example\\.com', 4));
    const [err] = run(originPatternBypass, [route([acao(value), acac()])]);
    expect(err!.span.line).toBe(4);
    expect(err!.severity).toBe('error');
    expect(err!.message).toContain('https://app.example.com.attacker.net');
    expect(err!.message).toContain('authenticated');
    expect(run(originPatternBypass, [route([acao(value)])])[0]!.severity).toBe('warning');
  });

  it('stays quiet on sound patterns, unreachable cases, literal outcomes and negated tests', () => {
    expect(run(originPatternBypass, [route([acao(echoIf(regex('^https://([a-z0-9-]+\\.)?example\\.com$', 4))), acac()])])).toEqual([]);
    expect(run(originPatternBypass, [route([acao(echoIf(regex('^https?://(.*\\.)?massbit.io(:\\d+)?$', 4))), acac()])])).toEqual([]);
    // An earlier exact case does not change anything, but an earlier catch-all literal does.
    const shadowed: HeaderValue = {
      kind: 'by-origin',
      cases: [
        { when: regex('\\.attacker\\.net$', 3), then: out('https://app.example.com') },
        { when: regex('^https://app\\.example\\.com', 4), then: { kind: 'reflect' } },
      ],
      otherwise: null,
    };
    expect(run(originPatternBypass, [route([acao(shadowed)])])).toEqual([]);
    const fixed: HeaderValue = { kind: 'by-origin', cases: [{ when: regex('^https://app\\.example\\.com', 4), then: out('https://app.example.com') }], otherwise: null };
    expect(run(originPatternBypass, [route([acao(fixed)])])).toEqual([]);
    const negated: HeaderValue = { kind: 'by-origin', cases: [{ when: { ...regex('^https://app\\.example\\.com', 4), negated: true } as OriginMatcher, then: { kind: 'reflect' } }], otherwise: null };
    expect(run(originPatternBypass, [route([acao(negated)])])).toEqual([]);
  });

  it('uses the configured sites', () => {
    const value = echoIf(regex('^https://([a-z]+\\.)?(example\\.com|partner\\.io)$', 4));
    expect(run(originPatternBypass, [route([acao(value)])])).toEqual([]);
    const [r] = run(originPatternBypass, [route([acao(value)])], { sites: ['example.com'] });
    expect(r!.message).toContain('https://partner.io');
  });

  it('analyses AWS-style wildcard entries', () => {
    const value: HeaderValue = { kind: 'by-origin', cases: [{ when: { kind: 'wildcard', pattern: 'https://*example.com', span: span(7) }, then: { kind: 'reflect' } }], otherwise: null };
    expect(run(originPatternBypass, [route([acao(value)])])[0]!.message).toContain('https://attackerexample.com');
  });
});

describe('origin-pattern-invalid', () => {
  it('reports PCRE errors at the matcher, and accepts PCRE-only syntax', () => {
    const bad = echoIf(regex('^https://(app|admin\\.example\\.com$', 6));
    const [r] = run(originPatternInvalid, [route([acao(bad)])]);
    expect(r!.span.line).toBe(6);
    expect(r!.message).toMatch(/missing closing parenthesis at offset 9/);
    expect(run(originPatternInvalid, [route([acao(echoIf(regex('(?i)\\Ahttps://[[:alnum:]]+\\.example\\.com\\z', 6)))])])).toEqual([]);
  });
});

describe('null-origin-allowed', () => {
  it('reports an explicit null entry, not a general echo', () => {
    const value = echoIf(exact('https://app.example.com', 3), exact('null', 4));
    expect(brief(run(nullOriginAllowed, [route([acao(value), acac()])]))).toEqual([{ line: 4, column: 9, severity: 'error' }]);
    expect(brief(run(nullOriginAllowed, [route([acao(echoIf(regex('^(null|https://app\\.example\\.com)$', 4)))])]))).toEqual([{ line: 4, column: 9, severity: 'warning' }]);
    expect(run(nullOriginAllowed, [route([acao(reflect), acac()])])).toEqual([]);
    expect(run(nullOriginAllowed, [route([acao(echoIf(exact('capacitor://localhost', 3))), acac()])])).toEqual([]);
  });
});

describe('insecure-origin-allowed', () => {
  it('reports http origins trusted with credentials, except loopback', () => {
    const value = echoIf(regex('^https?://(www\\.)?example\\.com$', 3), exact('http://localhost:8100', 4), exact('http://partner.example.org', 5));
    expect(brief(run(insecureOriginAllowed, [route([acao(value), acac()])]))).toEqual([
      { line: 3, column: 9, severity: 'warning' },
      { line: 5, column: 9, severity: 'warning' },
    ]);
    expect(run(insecureOriginAllowed, [route([acao(value)])])).toEqual([]);
    expect(run(insecureOriginAllowed, [route([acao(lit('http://app.example.com')), acac()])])).toHaveLength(1);
  });
});

describe('shared-host-origin-allowed', () => {
  it('reports patterns trusting all of a shared host, not your own page there', () => {
    expect(run(sharedHostOriginAllowed, [route([acao(echoIf(regex('^https://[a-z0-9-]+\\.herokuapp\\.com$', 3)))])])[0]!.message).toContain('herokuapp.com');
    const wildcard: HeaderValue = { kind: 'by-origin', cases: [{ when: { kind: 'wildcard', pattern: 'https://*.netlify.app', span: span(3) }, then: { kind: 'reflect' } }], otherwise: null };
    expect(run(sharedHostOriginAllowed, [route([acao(wildcard)])])).toHaveLength(1);
    expect(run(sharedHostOriginAllowed, [route([acao(echoIf(regex('^https://myorg\\.github\\.io$', 3)))])])).toEqual([]);
    expect(run(sharedHostOriginAllowed, [route([acao(echoIf(exact('https://myorg.github.io', 3)))])])).toEqual([]);
  });
});

describe('invalid-allow-origin-value', () => {
  it('reports literal values that never match, at the value', () => {
    for (const bad of ['https://app.example.com/', 'https://a.example.com, https://b.example.com', '*.example.com', 'HTTPS://APP.EXAMPLE.COM']) {
      expect(brief(run(invalidAllowOriginValue, [route([acao(lit(bad))])])), bad).toEqual([{ line: 10, column: 40, severity: 'error' }]);
    }
    for (const good of ['*', 'null', 'https://app.example.com', 'capacitor://localhost', '']) {
      expect(run(invalidAllowOriginValue, [route([acao(lit(good))])]), good).toEqual([]);
    }
    const mapped: HeaderValue = { kind: 'by-origin', cases: [{ when: exact('https://app.example.com', 3), then: out('https://app.example.com/') }], otherwise: null };
    expect(brief(run(invalidAllowOriginValue, [route([acao(mapped)])]))).toEqual([{ line: 3, column: 9, severity: 'error' }]);
  });
});

describe('wildcard-origin-with-credentials', () => {
  it('needs * and true in the same response whenever * is sent', () => {
    expect(brief(run(wildcardOriginWithCredentials, [route([acao(lit('*')), acac()])]))).toEqual([{ line: 10, column: 40, severity: 'error' }]);
    expect(run(wildcardOriginWithCredentials, [route([acao(lit('*'))])])).toEqual([]);
    expect(run(wildcardOriginWithCredentials, [route([acao(lit('*')), acac(lit('true'), 11, { condition: '$cookie_x' })])])).toEqual([]);
    expect(run(wildcardOriginWithCredentials, [route([acao(lit('*'), 10, { onErrors: false }), acac(lit('true'), 11, { onSuccess: false })])])).toEqual([]);
    const mapStar: HeaderValue = { kind: 'by-origin', cases: [{ when: exact('https://app.example.com', 3), then: { kind: 'reflect' } }], otherwise: out('*') };
    expect(run(wildcardOriginWithCredentials, [route([acao(mapStar), acac()])])).toHaveLength(1);
  });
});

describe('credentials-value-invalid', () => {
  it('anything but exactly true', () => {
    for (const bad of ['True', 'TRUE', 'false', '1', 'yes']) {
      expect(brief(run(credentialsValueInvalid, [route([acac(lit(bad))])])), bad).toEqual([{ line: 11, column: 40, severity: 'error' }]);
    }
    for (const good of ['true', ' true ', '']) expect(run(credentialsValueInvalid, [route([acac(lit(good))])]), good).toEqual([]);
    expect(run(credentialsValueInvalid, [route([acac({ kind: 'unknown', reason: '$x' })])])).toEqual([]);
    expect(run(credentialsValueInvalid, [route([acac(lit('false'))])])[0]!.message).toMatch(/does not switch credentials off/);
  });
});
