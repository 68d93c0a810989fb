/**
 * S3 bucket CORS (`AWS::S3::Bucket.CorsConfiguration.CorsRules`) with S3's own semantics
 * (reference/aws.md §3.4): S3 answers preflights itself; the first rule whose origin, method
 * and headers match wins; a `*` origin gets `Access-Control-Allow-Origin: *` without
 * credentials, any other matched origin is echoed with `Access-Control-Allow-Credentials: true`
 * (S3 has no credentials switch); `Vary: Origin, ...` is sent; no match → 403.
 */
import type { HeaderRule, HeaderValue, OriginCase, OriginMatcher, Route, Span } from '../../model/types.js';
import type { YNode } from '../yaml-positions.js';
import type { Resource, Template } from './template.js';

interface S3Rule {
  origins: { text: string; span: Span }[];
  /** why some of the rule's origins are not known (a parameter without a value, an import) */
  unknownOrigins?: string;
  methods: string[];
  headers: string[] | { unknown: string };
  expose: string[];
  maxAge?: { value: string; span: Span };
  span: Span;
  headersSpan?: Span;
}

function strings(t: Template, n: YNode | undefined): string[] | undefined {
  const items = t.list(n);
  if (!items) return undefined;
  const out: string[] = [];
  for (const i of items) {
    const s = t.str(i);
    if (!s.ok) return undefined;
    out.push(s.text);
  }
  return out;
}

function matcher(origin: string, span: Span): OriginMatcher {
  return origin.includes('*') ? { kind: 'wildcard', pattern: origin, span } : { kind: 'exact', origin, span };
}

export function bucketCorsRules(t: Template, bucket: Resource): { rules: S3Rule[]; span: Span } | undefined {
  const corsPair = t.pair(bucket.props, 'CorsConfiguration');
  if (!corsPair) return undefined;
  const rules: S3Rule[] = [];
  for (const r of t.list(t.get(corsPair.value, 'CorsRules')) ?? []) {
    const originsPair = t.pair(r, 'AllowedOrigins');
    let unknownOrigins: string | undefined;
    const listed = t.list(originsPair?.value);
    if (originsPair && !listed) unknownOrigins = 'AllowedOrigins is only known at deploy time';
    const origins = (listed ?? []).flatMap((o) => {
      const s = t.str(o);
      if (!s.ok) unknownOrigins ??= s.reason;
      return s.ok ? [{ text: s.text, span: t.spanNode(o) }] : [];
    });
    const headersPair = t.pair(r, 'AllowedHeaders');
    const allowed = strings(t, headersPair?.value) ?? [];
    const rule: S3Rule = {
      origins,
      methods: (strings(t, t.get(r, 'AllowedMethods')) ?? []).map((m) => m.toUpperCase()),
      // S3 echoes the requested headers that AllowedHeaders permits; with wildcards the list is request-dependent.
      headers: allowed.some((h) => h.includes('*')) ? { unknown: 'S3 echoes the requested headers that AllowedHeaders (with a wildcard) permits' } : allowed,
      expose: strings(t, t.get(r, 'ExposedHeaders')) ?? [],
      span: t.spanNode(r),
    };
    if (headersPair) rule.headersSpan = t.spanPair(headersPair);
    if (unknownOrigins !== undefined) rule.unknownOrigins = unknownOrigins;
    const maxAge = t.pair(r, 'MaxAge');
    const m = t.str(maxAge?.value);
    if (maxAge && m.ok) rule.maxAge = { value: m.text, span: t.spanPair(maxAge) };
    rules.push(rule);
  }
  return { rules, span: t.spanKey(corsPair) };
}

function byRule(rules: S3Rule[], pick: (r: S3Rule, origin: { text: string }) => { kind: 'literal'; text: string } | { kind: 'reflect' } | null | { kind: 'unknown'; reason: string }): HeaderValue {
  const cases: OriginCase[] = [];
  for (const r of rules) for (const o of r.origins) cases.push({ when: matcher(o.text, o.span), then: pick(r, o) });
  // an origin not known here may match any request origin the known ones do not
  const unknown = rules.find((r) => r.unknownOrigins !== undefined)?.unknownOrigins;
  if (unknown !== undefined) return { kind: 'by-origin', cases, otherwise: { kind: 'unknown', reason: unknown } };
  if (cases.length === 1 && cases[0]!.when.kind === 'wildcard' && (cases[0]!.when as { pattern: string }).pattern === '*') {
    const only = cases[0]!.then;
    if (only === null) return { kind: 'unknown', reason: 'absent' };
    return only;
  }
  return { kind: 'by-origin', cases, otherwise: null };
}

export function s3Routes(t: Template): Route[] {
  const routes: Route[] = [];
  for (const bucket of t.ofType('AWS::S3::Bucket')) {
    const cors = bucketCorsRules(t, bucket);
    if (!cors || cors.rules.length === 0) continue;
    const { rules, span } = cors;
    const header = (name: string, value: HeaderValue, s: Span, preflightOnly = false): HeaderRule => ({
      name,
      value,
      onSuccess: true,
      onErrors: !preflightOnly,
      span: s,
      addedBy: 'gateway',
      via: 'CorsRule',
    });
    const acao = byRule(rules, (_r, o) => (o.text === '*' ? { kind: 'literal', text: '*' } : { kind: 'reflect' }));
    const acac = byRule(rules, (_r, o) => (o.text === '*' ? null : { kind: 'literal', text: 'true' }));
    const common: HeaderRule[] = [header('Access-Control-Allow-Origin', acao, span)];
    const credentialsPossible = rules.some((r) => r.origins.some((o) => o.text !== '*'));
    if (credentialsPossible) common.push(header('Access-Control-Allow-Credentials', acac, span));
    common.push(header('Vary', { kind: 'literal', text: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method' }, span));
    const expose = [...new Set(rules.flatMap((r) => r.expose))];
    if (expose.length) common.push(header('Access-Control-Expose-Headers', byRule(rules, (r) => (r.expose.length ? { kind: 'literal', text: r.expose.join(', ') } : null)), span));
    const preflight: HeaderRule[] = [...common];
    preflight.push(header('Access-Control-Allow-Methods', byRule(rules, (r) => ({ kind: 'literal', text: r.methods.join(', ') })), span, true));
    const first = rules[0]!;
    preflight.push(
      header(
        'Access-Control-Allow-Headers',
        byRule(rules, (r) => ('unknown' in r.headers ? { kind: 'unknown', reason: r.headers.unknown } : r.headers.length ? { kind: 'literal', text: r.headers.join(', ') } : null)),
        first.headersSpan ?? span,
        true,
      ),
    );
    if (rules.some((r) => r.maxAge)) preflight.push(header('Access-Control-Max-Age', byRule(rules, (r) => (r.maxAge ? { kind: 'literal', text: r.maxAge.value } : null)), first.maxAge?.span ?? span, true));
    const methods = [...new Set(rules.flatMap((r) => r.methods))];
    const backend = { kind: 's3' as const, emitsCors: 'no' as const, hiddenHeaders: [], description: `S3 bucket ${bucket.id}` };
    routes.push({
      id: `s3:${bucket.id}`,
      source: 'cloudformation',
      name: `S3 bucket ${bucket.id}`,
      span: t.spanResource(bucket),
      match: { hosts: [], path: { kind: 'any', value: '/*' }, methods },
      responders: [
        { methods: ['OPTIONS'], answeredBy: 'gateway', status: { kind: 'fixed', code: 200 }, headers: preflight, auth: [], span, description: 'S3 answers the preflight from CorsRules', backend },
        { methods, answeredBy: 'gateway', status: { kind: 'backend' }, headers: common, auth: [], span, description: `S3 bucket ${bucket.id}`, backend },
      ],
      droppedHeaders: [],
      cookies: [],
    });
  }
  return routes;
}
