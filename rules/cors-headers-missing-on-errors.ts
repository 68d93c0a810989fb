import type { Fix, Rule, RuleContext } from '../src/engine/rule.js';
import { headersNamed, mayAllowCredentials, sameHeaderName, servesNonOptions } from '../src/model/query.js';
import type { AuthRequirement, GatewayError, HeaderRule, Responder, Route, Span } from '../src/model/types.js';
import { SpanGroups, routeNames } from './lib/grouping.js';

/**
 * CORS headers that are only sent on 2xx/3xx: a 401, 403, 429 or 502 then reaches the browser
 * without Access-Control-Allow-Origin and the page sees an opaque CORS error instead of the
 * status it could have handled (re-login, retry, show the message).
 */
const rule: Rule = {
  meta: {
    id: 'cors-headers-missing-on-errors',
    severity: 'warning',
    description: 'CORS headers are not sent on 4xx/5xx, so the browser reports a CORS error instead of the real 401/403/500',
    fixable: true,
  },
  check(context) {
    checkResponders(context);
    checkGatewayErrors(context);
  },
};

export default rule;

const ACAO = 'access-control-allow-origin';

interface Miss {
  route: Route;
  /** the responder whose possible errors the message names */
  responder: Responder;
  header: HeaderRule;
  /** ACAO is fine on errors; only the credentials header is missing */
  credentialsOnly: boolean;
}

/** The errors a responder can answer with, in words (`a 401 from auth_basic "x" or a 5xx from the backend`), or undefined. */
function possibleErrors(route: Route, responder: Responder): string | undefined {
  const parts: string[] = [];
  // Where the gateway answers auth failures with its own error responses (API Gateway gateway
  // responses), their headers are checked separately, not the responder's.
  const auth = route.gatewayErrors ? [] : responder.auth;
  for (const a of auth) parts.push(`a ${a.failureStatus ?? '401/403'} from ${a.description}`);
  const status = responder.status;
  if (status.kind === 'fixed') {
    // A fixed 2xx/3xx is what the source says this responder answers (a `return 204`, an
    // API Gateway integration response mapping every backend result to 200).
    if (status.code >= 400) parts.unshift(`its ${status.code} response`);
  } else if (responder.answeredBy === 'backend' || status.kind === 'backend') {
    parts.push(`a 4xx/5xx from ${responder.backend?.description ?? 'the backend'}`);
  } else {
    parts.push('an error response');
  }
  return parts.length > 0 ? parts.join(' or ') : undefined;
}

/** Whether possibleErrors has anything to say (without wording it for every responder). */
function mayAnswerError(route: Route, responder: Responder): boolean {
  if (!route.gatewayErrors && responder.auth.length > 0) return true;
  return responder.status.kind !== 'fixed' || responder.status.code >= 400;
}


function fixFor(context: RuleContext, header: HeaderRule): Fix | undefined {
  // nginx: `add_header NAME VALUE;` -> `add_header NAME VALUE always;`
  if (header.via !== 'add_header' || header.valueSpan?.endOffset === undefined) return undefined;
  const at = header.valueSpan.endOffset;
  const text = context.files.get(header.valueSpan.file);
  if (text === undefined || !/^\s*;/.test(text.slice(at, at + 64))) return undefined;
  return { file: header.valueSpan.file, range: [at, at], text: ' always' };
}

function howToFix(header: HeaderRule): string {
  return header.via === 'add_header' ? 'add `always` to this add_header' : 'declare it for error responses too';
}

function checkResponders(context: RuleContext): void {
  const groups = new SpanGroups<Miss>();
  const all = context.routes;
  for (let n = 0; n < all.length; n++) {
    const route = all[n]!;
    const responders = route.responders;
    for (let j = 0; j < responders.length; j++) {
      const responder = responders[j]!;
      // only preflights: their failure is a status problem, reported by the preflight rules
      if (!servesNonOptions(responder)) continue;
      // one pass: the gateway's first Access-Control-Allow-Origin on success, and whether any is sent on errors
      let origin: HeaderRule | undefined;
      let onErrors = false;
      const origins = headersNamed(responder, ACAO);
      for (let k = 0; k < origins.length; k++) {
        const h = origins[k]!;
        if (origin === undefined && h.onSuccess && h.addedBy === 'gateway') origin = h;
        if (h.onErrors) onErrors = true;
      }
      if (!origin || !mayAnswerError(route, responder)) continue;
      if (!onErrors) {
        groups.add(origin.span, { route, responder, header: origin, credentialsOnly: false });
        continue;
      }
      const creds = mayAllowCredentials(responder, 'success');
      if (creds && creds.addedBy === 'gateway' && !mayAllowCredentials(responder, 'error')) {
        groups.add(creds.span, { route, responder, header: creds, credentialsOnly: true });
      }
    }
  }
  for (const { span, items: misses } of groups.list()) {
    const first = misses[0]!;
    const errors = possibleErrors(first.route, first.responder)!;
    const names = routeNames(misses.map((m) => m.route.name));
    const message = first.credentialsOnly
      ? `${capitalize(errors)} on ${names} reaches the browser without Access-Control-Allow-Credentials: true, so credentialed requests see a CORS error instead of the real status: ${howToFix(first.header)}`
      : `${capitalize(errors)} on ${names} reaches the browser without Access-Control-Allow-Origin, so the page sees a CORS error instead of the real status: ${howToFix(first.header)}`;
    const fix = fixFor(context, first.header);
    context.report(fix ? { span, message, fix } : { span, message });
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---- gateway-generated errors (API Gateway REST gateway responses) ----

/** A gateway error type a route's clients can meet. */
interface ErrorType {
  type: string;
  status: number;
  /** a number of its own (a route lists each type once: a bit per type) */
  index: number;
  /** the cause, in words, from the auth that fails (none for the DEFAULT_ types) */
  why: (auth: AuthRequirement | undefined) => string;
}

/** One error a route can meet, and the auth whose failure causes it. */
interface ErrorNeed {
  error: ErrorType;
  auth: AuthRequirement | undefined;
}

const UNAUTHORIZED = errorType(0, 'UNAUTHORIZED', 401, (a) => `${a!.description} rejects a missing or expired token`);
const ACCESS_DENIED = errorType(1, 'ACCESS_DENIED', 403, (a) => `${a!.description} denies the request`);
const INVALID_API_KEY = errorType(2, 'INVALID_API_KEY', 403, (a) => `a missing or wrong ${a!.header ?? 'API key'}`);
const MISSING_AUTHENTICATION_TOKEN = errorType(3, 'MISSING_AUTHENTICATION_TOKEN', 403, () => 'an unsigned request (IAM auth)');
const INVALID_SIGNATURE = errorType(4, 'INVALID_SIGNATURE', 403, () => 'an invalid SigV4 signature');
const DEFAULT_4XX = errorType(5, 'DEFAULT_4XX', 400, () => 'throttling, bad requests and unknown paths');
const DEFAULT_5XX = errorType(6, 'DEFAULT_5XX', 500, () => 'integration failures and timeouts');

function errorType(index: number, type: string, status: number, why: ErrorType['why']): ErrorType {
  return { type, status, index, why };
}

const TOKEN_ERRORS = [UNAUTHORIZED, ACCESS_DENIED];
const API_KEY_ERRORS = [INVALID_API_KEY];
const IAM_ERRORS = [MISSING_AUTHENTICATION_TOKEN, INVALID_SIGNATURE];
/** every route can meet these, after the ones of its auth */
const DEFAULT_ERRORS = [DEFAULT_4XX, DEFAULT_5XX];
const NO_ERRORS: readonly ErrorType[] = [];

/** The gateway errors a failing auth produces, most specific first. */
function errorsOfAuth(auth: AuthRequirement): readonly ErrorType[] {
  switch (auth.mechanism) {
    case 'authorization-header':
    case 'subrequest':
      return TOKEN_ERRORS;
    case 'api-key':
      return API_KEY_ERRORS;
    case 'iam':
      return IAM_ERRORS;
    default:
      return NO_ERRORS;
  }
}

/** Whether the gateway response that answers an error type carries ACAO, and where that response is declared. */
interface Coverage {
  carriesOrigin: boolean;
  span: Span | undefined;
}

/** The gateway response that answers an error type: its own declaration, else the DEFAULT_4XX/5XX one. */
function effectiveGatewayError(errors: readonly GatewayError[], error: ErrorType): GatewayError | undefined {
  return (
    errors.find((e) => e.type === error.type) ??
    errors.find((e) => e.type === (error.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX'))
  );
}

function coverage(errors: readonly GatewayError[], error: ErrorType): Coverage {
  const e = effectiveGatewayError(errors, error);
  return { carriesOrigin: !!e && e.headers.some((h) => sameHeaderName(h.name, ACAO) && (h.onErrors || h.onSuccess)), span: e?.span };
}

/**
 * The errors one route's browser clients can meet whose gateway response carries no ACAO, each
 * type once, most specific first. `known` holds the coverage of each type for the route's gateway
 * errors: the routes of an API share one list of them, so each type is looked up once per list.
 */
class MissingErrors {
  list: ErrorNeed[] | undefined;
  /** the types met so far, a bit each */
  private seen: number;
  private readonly errors: readonly GatewayError[];
  private readonly known: (Coverage | undefined)[];

  constructor(errors: readonly GatewayError[], known: (Coverage | undefined)[]) {
    // one per route: fields set here, not by initializers (which run as a function of their own)
    this.list = undefined;
    this.seen = 0;
    this.errors = errors;
    this.known = known;
  }

  /** An error the route can meet; the first auth that leads to a type words it. */
  add(error: ErrorType, auth: AuthRequirement | undefined): void {
    const bit = 1 << error.index;
    if (this.seen & bit) return;
    this.seen |= bit;
    if ((this.known[error.index] ??= coverage(this.errors, error)).carriesOrigin) return;
    if (this.list === undefined) this.list = [{ error, auth }];
    else this.list.push({ error, auth });
  }

  /** Where the first of them that has a gateway response of its own declares it. */
  declared(): Span | undefined {
    const list = this.list ?? [];
    for (let i = 0; i < list.length; i++) {
      const span = this.known[list[i]!.error.index]!.span;
      if (span) return span;
    }
    return undefined;
  }
}

function missingErrors(route: Route, errors: readonly GatewayError[], known: (Coverage | undefined)[]): MissingErrors {
  const missing = new MissingErrors(errors, known);
  const responders = route.responders;
  for (let i = 0; i < responders.length; i++) {
    const r = responders[i]!;
    if (!servesNonOptions(r)) continue;
    for (let j = 0; j < r.auth.length; j++) {
      const auth = r.auth[j]!;
      const types = errorsOfAuth(auth);
      for (let k = 0; k < types.length; k++) missing.add(types[k]!, auth);
    }
  }
  for (let k = 0; k < DEFAULT_ERRORS.length; k++) missing.add(DEFAULT_ERRORS[k]!, undefined);
  return missing;
}

/** Where the route shows it wants CORS: the ACAO it sends (actual responses first). */
function corsIntent(route: Route): Span | undefined {
  const responders = route.responders;
  for (let i = 0; i < responders.length; i++) {
    const r = responders[i]!;
    const h = servesNonOptions(r) ? headersNamed(r, ACAO)[0] : undefined;
    if (h) return h.span;
  }
  for (let i = 0; i < responders.length; i++) {
    const r = responders[i]!;
    const h = servesNonOptions(r) ? undefined : headersNamed(r, ACAO)[0];
    if (h) return h.span;
  }
  return undefined;
}

/** The gateway errors one route's clients can meet without ACAO. */
interface MissingOnRoute {
  route: Route;
  missing: ErrorNeed[];
}

/**
 * Adds the gateway errors of one route that carry no ACAO, at the span of its API (one call per
 * route: a loop around the whole check would be compiled on the fly (OSR) for the few routes left).
 */
function addGatewayErrors(
  route: Route,
  groups: SpanGroups<MissingOnRoute>,
  apiSpan: Map<string, Span>,
  coverageByList: Map<readonly GatewayError[], (Coverage | undefined)[]>,
): void {
  const errors = route.gatewayErrors;
  if (!errors) return;
  const intent = corsIntent(route);
  if (!intent) return;
  let known = coverageByList.get(errors);
  if (!known) coverageByList.set(errors, (known = []));
  const missing = missingErrors(route, errors, known);
  if (!missing.list) return;
  let span = missing.declared() ?? intent;
  if (route.group !== undefined) {
    span = apiSpan.get(route.group) ?? span;
    apiSpan.set(route.group, span);
  }
  groups.add(span, { route, missing: missing.list });
}

function checkGatewayErrors(context: RuleContext): void {
  const groups = new SpanGroups<MissingOnRoute>();
  // One API's routes share their gateway responses: one finding per API, at its first route.
  const apiSpan = new Map<string, Span>();
  const coverageByList = new Map<readonly GatewayError[], (Coverage | undefined)[]>();
  const all = context.routes;
  for (let n = 0; n < all.length; n++) addGatewayErrors(all[n]!, groups, apiSpan, coverageByList);
  for (const { span, items } of groups.list()) {
    // each type once, in first-seen order, worded as the last route that meets it words it
    const byType = new Map<string, ErrorNeed>();
    for (let i = 0; i < items.length; i++) {
      const missing = items[i]!.missing;
      for (let j = 0; j < missing.length; j++) byType.set(missing[j]!.error.type, missing[j]!);
    }
    const list = [...byType.values()].map((m) => `${m.error.type} (${m.error.why(m.auth)})`).join(', ');
    context.report({
      span,
      message:
        `Gateway-generated errors on ${routeNames(items.map((i) => i.route.name))} carry no Access-Control-Allow-Origin: ${list}. ` +
        'The page sees a CORS error instead of the real 401/403/429/5xx: add gateway responses (DEFAULT_4XX and DEFAULT_5XX cover every type) ' +
        "with the header gatewayresponse.header.Access-Control-Allow-Origin",
    });
  }
}
