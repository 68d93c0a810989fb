/** Hand-built routes for simulator tests: each header and responder gets its own line, so spans are checkable. */
import type { AuthRequirement, HeaderRule, HeaderValue, Redirect, Responder, Route, Span } from '../../src/model/types.js';

let nextLine = 1;

export function span(line = nextLine++): Span {
  return { file: 'model.conf', line, column: 1, endLine: line, endColumn: 10 };
}

export interface HeaderOpts {
  always?: boolean;
  /** only on errors (a gateway response) */
  errorsOnly?: boolean;
  condition?: string;
  line?: number;
  via?: string;
  addedBy?: 'gateway' | 'backend';
}

export function header(name: string, value: string | HeaderValue, opts: HeaderOpts = {}): HeaderRule {
  const h: HeaderRule = {
    name,
    value: typeof value === 'string' ? { kind: 'literal', text: value } : value,
    onErrors: !!opts.always || !!opts.errorsOnly,
    onSuccess: !opts.errorsOnly,
    span: span(opts.line),
    addedBy: opts.addedBy ?? 'gateway',
    via: opts.via ?? 'add_header',
  };
  if (opts.condition) h.condition = opts.condition;
  return h;
}

/** `by-origin` value: the listed origins are reflected, everything else gets no header. */
export function allowlist(...origins: string[]): HeaderValue {
  return { kind: 'by-origin', cases: origins.map((o) => ({ when: { kind: 'exact', origin: o }, then: { kind: 'reflect' } })), otherwise: null };
}

export interface ResponderOpts {
  methods?: string[] | '*';
  status?: number | 'backend' | { unknown: string };
  headers?: HeaderRule[];
  auth?: AuthRequirement[];
  redirect?: { status: number; location?: string };
  description?: string;
  backendCors?: 'yes' | 'no' | 'unknown';
  hidden?: string[];
}

export function responder(opts: ResponderOpts = {}): Responder {
  const status = opts.status ?? 200;
  const r: Responder = {
    methods: opts.methods ?? '*',
    answeredBy: status === 'backend' ? 'backend' : 'gateway',
    status:
      status === 'backend'
        ? { kind: 'backend' }
        : typeof status === 'number'
          ? { kind: 'fixed', code: status, span: span() }
          : { kind: 'unknown', reason: status.unknown },
    headers: opts.headers ?? [],
    auth: opts.auth ?? [],
    span: span(),
    description: opts.description ?? (status === 'backend' ? 'proxy_pass http://backend' : `return ${String(status)}`),
  };
  if (status === 'backend') {
    r.backend = { kind: 'proxy', emitsCors: opts.backendCors ?? 'no', hiddenHeaders: opts.hidden ?? [], description: 'proxy_pass http://backend', span: span() };
  }
  if (opts.redirect) {
    const red: Redirect = { status: opts.redirect.status, span: span() };
    if (opts.redirect.location !== undefined) red.location = opts.redirect.location;
    r.redirect = red;
  }
  return r;
}

export function auth(mechanism: AuthRequirement['mechanism'], failureStatus?: number, description = `auth ${mechanism}`): AuthRequirement {
  const a: AuthRequirement = { mechanism, description, span: span() };
  if (failureStatus !== undefined) a.failureStatus = failureStatus;
  return a;
}

export function route(responders: Responder[], extra: Partial<Route> = {}): Route {
  return {
    id: `test:${nextLine}`,
    source: 'nginx',
    name: 'location /v1/items',
    span: span(),
    match: { hosts: ['api.example.net'], path: { kind: 'prefix', value: '/v1/' }, methods: '*' },
    responders,
    droppedHeaders: [],
    cookies: [],
    ...extra,
  };
}

/** A route whose OPTIONS responder (first) and actual responder (second) are given. */
export function preflightAndActual(pre: ResponderOpts, actual: ResponderOpts, extra: Partial<Route> = {}): Route {
  return route([responder({ methods: ['OPTIONS'], status: 204, ...pre }), responder({ methods: '*', ...actual })], extra);
}
