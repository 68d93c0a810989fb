/**
 * Token lists and request-side safelists, as the Fetch standard defines them
 * (reference/cors-protocol.md §1.2, §1.3, §1.5).
 *
 * `Access-Control-Allow-Methods` and `Access-Control-Allow-Headers` are `#method` /
 * `#field-name` lists: tokens separated by commas with optional whitespace around them; empty
 * elements are ignored (so `GET, POST,` is fine). Anything else is a parse failure, and a
 * parse failure turns the whole preflight into a network error.
 */
import { memoByText } from './memo.js';

/** RFC 9110 `tchar`: the characters a token (a method or a header name) may contain. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** HTTP optional whitespace (OWS): space and horizontal tab only. */
const OWS = /^[ \t]+|[ \t]+$/g;

export type ListProblem =
  /** `GET POST` or `Content Type`: names separated by spaces instead of commas */
  | 'space-separated'
  /** `X-A;X-B` */
  | 'semicolon-separated'
  /** `"Content-Type"`: a double quote is not a token character */
  | 'double-quoted'
  /** any other character that is not allowed in a token (`/`, `:`, `(`, non-ASCII, ...) */
  | 'not-a-token';

export type TokenListParse =
  | { ok: true; items: readonly string[] }
  | { ok: false; problem: ListProblem; element: string };

export function isToken(text: string): boolean {
  return TOKEN.test(text);
}

/**
 * Parses a header value as Fetch's "extract header list values" does for a `#token` list. The
 * result is shared by every caller with the same text (a config repeats one list on many
 * routes): read it, never change it.
 */
export const parseTokenList: (value: string) => TokenListParse = memoByText(computeTokenList);

function computeTokenList(value: string): TokenListParse {
  const items: string[] = [];
  for (const raw of value.split(',')) {
    const element = raw.replace(OWS, '');
    if (element === '') continue;
    if (!isToken(element)) return { ok: false, problem: classifyBadElement(element), element };
    items.push(element);
  }
  return { ok: true, items };
}

function classifyBadElement(element: string): ListProblem {
  if (element.includes('"')) return 'double-quoted';
  if (element.includes(';')) return 'semicolon-separated';
  if (/[ \t]/.test(element)) return 'space-separated';
  return 'not-a-token';
}

/**
 * Items that parse as tokens but carry single quotes (`'Authorization'`): `'` is a token
 * character, so the list parses, but the quotes are part of the name and never match a
 * request's header or method. Typical of API Gateway values quoted twice.
 */
export function singleQuotedItems(items: readonly string[]): string[] {
  if (!items.some((i) => i.includes("'"))) return [];
  return items.filter((i) => i.includes("'"));
}

/**
 * Text that is still a template placeholder from some other tool (envsubst `${VAR}`, Jinja or Go
 * `{{ x }}`, CloudFormation `${AWS::Region}`): its real value is unknown, so it is never judged.
 */
export function looksTemplated(text: string): boolean {
  return /\$\{[^}]*\}|\{\{|\{%/.test(text);
}

/** CORS-safelisted methods: never need to be listed in Access-Control-Allow-Methods. */
export const SAFELISTED_METHODS: readonly string[] = ['GET', 'HEAD', 'POST'];

/** The methods a browser uppercases; every other method is sent exactly as the script wrote it. */
export const NORMALIZED_METHODS: readonly string[] = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];

export function isSafelistedMethod(method: string): boolean {
  return SAFELISTED_METHODS.includes(method);
}

/** The method as a browser sends it (`delete` → `DELETE`, `patch` stays `patch`). */
export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.includes(upper) ? upper : method;
}

/** Whether a method forces a preflight (anything but GET, HEAD, POST after normalization). */
export function methodForcesPreflight(method: string): boolean {
  return !isSafelistedMethod(normalizeMethod(method));
}

/**
 * Request headers that are CORS-safelisted for the values clients normally send, so they never
 * need an Allow-Headers entry. `Content-Type` is not here: it is safelisted only for form and
 * text bodies, and a route or client that names it is sending JSON.
 */
const SAFELISTED_HEADER_NAMES = ['accept', 'accept-language', 'content-language', 'range'];

/** Request headers scripts cannot set (the browser controls them), lower case. */
const FORBIDDEN_REQUEST_HEADERS = [
  'accept-charset', 'accept-encoding', 'access-control-request-headers', 'access-control-request-method',
  'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt', 'expect', 'host', 'keep-alive',
  'origin', 'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via',
];

export function isForbiddenRequestHeader(name: string): boolean {
  const n = name.toLowerCase();
  return FORBIDDEN_REQUEST_HEADERS.includes(n) || n.startsWith('proxy-') || n.startsWith('sec-');
}

/** Whether a request header a script sets must be listed in Access-Control-Allow-Headers. */
export const headerNeedsAllowEntry: (name: string) => boolean = memoByText((name) => {
  const n = name.toLowerCase();
  return !SAFELISTED_HEADER_NAMES.includes(n) && !isForbiddenRequestHeader(n);
});

/** `Authorization` is the one name the `*` wildcard never covers (Fetch: CORS non-wildcard request-header name). */
export function isNonWildcardHeader(name: string): boolean {
  return name.toLowerCase() === 'authorization';
}
