/**
 * nginx variable values as the evaluator sees them: a value is a sequence of parts, each a
 * known text, the request Origin, or something the configuration does not tell (with why).
 * Conditions collect facts that make a value only sometimes apply (a map on the response
 * Content-Type, a header the upstream may already send).
 */
import type { HeaderValue, OriginOutcome } from '../../model/types.js';

export type Part = { kind: 'text'; text: string } | { kind: 'origin' } | { kind: 'unknown'; reason: string };

export interface Val {
  parts: Part[];
  /** human conditions under which this value holds (empty: always) */
  conditions: string[];
  /** the value only applies when the backend response lacks these headers (map on $upstream_http_*) */
  unlessBackendSends: string[];
}

export const EMPTY: Val = { parts: [], conditions: [], unlessBackendSends: [] };

export function textVal(text: string): Val {
  return { parts: text ? [{ kind: 'text', text }] : [], conditions: [], unlessBackendSends: [] };
}

export function unknownVal(reason: string): Val {
  return { parts: [{ kind: 'unknown', reason }], conditions: [], unlessBackendSends: [] };
}

export const ORIGIN_VAL: Val = { parts: [{ kind: 'origin' }], conditions: [], unlessBackendSends: [] };

export function concatVals(vals: Val[]): Val {
  if (vals.length === 1) {
    // a lone value is already merged (values are built by this function or hold one part) and,
    // with at most one condition and one header, has nothing to de-duplicate
    const v = vals[0]!;
    if (v.conditions.length <= 1 && v.unlessBackendSends.length <= 1) return v;
  }
  const parts: Part[] = [];
  const conditions: string[] = [];
  const unless: string[] = [];
  for (const v of vals) {
    for (const p of v.parts) {
      const last = parts[parts.length - 1];
      if (p.kind === 'text' && last?.kind === 'text') parts[parts.length - 1] = { kind: 'text', text: last.text + p.text };
      else parts.push(p);
    }
    for (const c of v.conditions) if (!conditions.includes(c)) conditions.push(c);
    for (const u of v.unlessBackendSends) if (!unless.includes(u)) unless.push(u);
  }
  return { parts, conditions, unlessBackendSends: unless };
}

/** the text of a value made only of known text, or undefined */
export function knownText(v: Val): string | undefined {
  // called for every condition and map source: no arrays or closures
  const parts = v.parts;
  if (parts.length === 1) {
    const p = parts[0]!;
    return p.kind === 'text' ? p.text : undefined;
  }
  let text = '';
  for (const p of parts) {
    if (p.kind !== 'text') return undefined;
    text += p.text;
  }
  return text;
}

export function isOriginOnly(v: Val): boolean {
  return v.parts.length === 1 && v.parts[0]!.kind === 'origin';
}

/** what a header with this value carries; null when nginx omits it (an empty add_header value) */
export function toOutcome(v: Val): OriginOutcome {
  if (v.parts.length === 0) return null;
  const unknown = v.parts.find((p) => p.kind === 'unknown');
  if (unknown) return { kind: 'unknown', reason: unknown.reason };
  if (isOriginOnly(v)) return { kind: 'reflect' };
  const text = knownText(v);
  if (text !== undefined) return { kind: 'literal', text };
  const shape = v.parts.map((p) => (p.kind === 'text' ? p.text : '<Origin>')).join('');
  return { kind: 'unknown', reason: `the request Origin embedded in other text ("${shape}")` };
}

export function outcomeToValue(o: Exclude<OriginOutcome, null>): HeaderValue {
  if (o.kind === 'reflect') return { kind: 'reflect' };
  if (o.kind === 'literal') return { kind: 'literal', text: o.text };
  return { kind: 'unknown', reason: o.reason };
}

export type Segment = { kind: 'text'; text: string } | { kind: 'var'; name: string };

/**
 * Splits a directive argument into text and variable references as nginx's script compiler
 * does: `$name`, `${name}`, `$1`..`$9`. A `$` not followed by a name stays text.
 */
export function splitVariables(s: string): Segment[] {
  const out: Segment[] = [];
  let text = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '$') {
      if (s[i + 1] === '{') {
        const close = s.indexOf('}', i + 2);
        const name = close > 0 ? s.slice(i + 2, close) : '';
        if (close > 0 && /^[A-Za-z0-9_]+$/.test(name)) {
          if (text) out.push({ kind: 'text', text });
          text = '';
          out.push({ kind: 'var', name });
          i = close + 1;
          continue;
        }
      } else if (/[0-9]/.test(s[i + 1] ?? '')) {
        if (text) out.push({ kind: 'text', text });
        text = '';
        out.push({ kind: 'var', name: s[i + 1]! });
        i += 2;
        continue;
      } else {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
        if (m) {
          if (text) out.push({ kind: 'text', text });
          text = '';
          out.push({ kind: 'var', name: m[0] });
          i += 1 + m[0].length;
          continue;
        }
      }
    }
    text += c;
    i++;
  }
  if (text) out.push({ kind: 'text', text });
  return out;
}

/** nginx variables the configuration cannot tell (request, connection, response data) */
export function builtinReason(name: string): string | undefined {
  const n = name.toLowerCase();
  if (n.startsWith('upstream_http_')) return `sent by the upstream ($${n})`;
  if (n.startsWith('http_')) return `the request's ${n.slice(5).replace(/_/g, '-')} header ($${n})`;
  if (n.startsWith('sent_http_')) return `the response's ${n.slice(10).replace(/_/g, '-')} header ($${n})`;
  if (n.startsWith('arg_')) return `query parameter ($${n})`;
  if (n.startsWith('cookie_')) return `request cookie ($${n})`;
  if (n.startsWith('upstream_') || n.startsWith('ssl_') || n.startsWith('proxy_') || n.startsWith('geoip') || n.startsWith('jwt_')) return `request-dependent ($${n})`;
  const BUILTIN = new Set([
    'host', 'hostname', 'scheme', 'request_uri', 'uri', 'document_uri', 'args', 'query_string', 'is_args', 'remote_addr',
    'remote_port', 'remote_user', 'server_name', 'server_addr', 'server_port', 'server_protocol', 'request', 'request_id',
    'request_filename', 'document_root', 'realpath_root', 'content_type', 'content_length', 'status', 'time_local', 'time_iso8601',
    'msec', 'binary_remote_addr', 'body_bytes_sent', 'bytes_sent', 'connection', 'connection_requests', 'https', 'nginx_version',
    'pid', 'request_body', 'request_length', 'request_time', 'limit_rate', 'realip_remote_addr', 'date_local', 'date_gmt',
    'proxy_add_x_forwarded_for', 'proxy_host', 'proxy_port', 'fastcgi_script_name', 'fastcgi_path_info', 'gzip_ratio',
  ]);
  if (BUILTIN.has(n)) return `request-dependent ($${n})`;
  return undefined;
}
