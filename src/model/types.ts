/**
 * The common model. Every source (nginx, CloudFormation, OpenAPI, ...) normalizes its
 * configuration into Routes; rules and the simulator only ever read these types.
 * Keep it small and exact: what a config does not tell is `unknown` with a reason.
 */

/** 1-based line and column (UTF-16 code units), end exclusive, like ESLint. */
export interface Span {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** 0-based offsets into the file's text, when the source knows them (needed for fixes). */
  offset?: number;
  endOffset?: number;
  /**
   * How this position was reached when the same text is read more than once with different
   * inputs (a Terraform module read through one of its calls: `module.api, called from
   * envs/prod/main.tf`); findings there name it.
   */
  via?: string;
}

export type SourceKind = 'nginx' | 'cloudformation' | 'openapi' | 'serverless' | 'terraform' | 'aws-live';

/** How a request origin is tested by an allowlist entry. */
export type OriginMatcher =
  /** exact string compare; `caseInsensitive` for nginx map plain keys and S3 */
  | { kind: 'exact'; origin: string; caseInsensitive?: boolean; span?: Span }
  /** a regular expression as written in the config (PCRE for nginx), unanchored unless it says so */
  | { kind: 'regex'; source: string; caseInsensitive: boolean; negated?: boolean; span?: Span; dialect: 'pcre' | 'ecmascript' }
  /** AWS-style wildcard entries: `https://*.example.com`, `*` */
  | { kind: 'wildcard'; pattern: string; span?: Span }
  /** a test the linter cannot evaluate (Lua, a variable from elsewhere) */
  | { kind: 'unknown'; reason: string; span?: Span };

/** What a header's value becomes for a given request. */
export type HeaderValue =
  | { kind: 'literal'; text: string }
  /** the request's Origin echoed as is, whatever it is */
  | { kind: 'reflect' }
  /**
   * An origin-dependent choice: the first case whose `when` matches the request Origin gives
   * the value; `otherwise` applies when none does. `then`/`otherwise` of `null` means the
   * header is absent (nginx omits add_header with an empty value).
   * Covers nginx `map $http_origin`, `if ($http_origin ~ ...)` gates, API Gateway/S3/CloudFront allowlists.
   */
  | { kind: 'by-origin'; cases: OriginCase[]; otherwise: OriginOutcome }
  /**
   * `notMappingExpression`: API Gateway reads the value as a mapping expression (it is not in
   * single quotes) and it is not one, so API Gateway rejects it ("Invalid mapping expression").
   */
  | { kind: 'unknown'; reason: string; notMappingExpression?: string };

export type OriginOutcome = { kind: 'reflect' } | { kind: 'literal'; text: string } | null | { kind: 'unknown'; reason: string };

export interface OriginCase {
  when: OriginMatcher;
  then: OriginOutcome;
}

export interface HeaderRule {
  /** header name as written (compare case-insensitively) */
  name: string;
  value: HeaderValue;
  /** the header is also sent on 4xx/5xx responses (nginx `always`, API Gateway gateway responses) */
  onErrors: boolean;
  /** the header is sent on 2xx/3xx responses (false for e.g. a gateway response only used on errors) */
  onSuccess: boolean;
  /** where the header is declared: the whole directive/key */
  span: Span;
  /** where its value is written, if different (for precise reports and fixes) */
  valueSpan?: Span;
  /** who adds it */
  addedBy: 'gateway' | 'backend';
  /** the directive/key that produced it, e.g. `add_header`, `more_set_headers`, `IntegrationResponse` */
  via: string;
  /**
   * A condition the model could not reduce to the request method or origin (e.g. an nginx
   * `if ($arg_x)`): the header applies only sometimes. Rules must not assume it is always sent.
   */
  condition?: string;
  /**
   * The gateway adds this header only when the backend response lacks these headers (nginx
   * `map $upstream_http_access_control_allow_origin $x { '' $http_origin; default ''; }`), so
   * gateway and backend never both send it.
   */
  unlessBackendSends?: string[];
}

export type AuthMechanism =
  | 'none'
  | 'authorization-header' // Bearer / JWT / Cognito / Lambda TOKEN authorizer reading Authorization
  | 'api-key' // X-Api-Key (API Gateway) or another key header
  | 'iam' // SigV4: Authorization + X-Amz-Date (+ X-Amz-Security-Token)
  | 'cookie'
  | 'basic' // HTTP basic (nginx auth_basic)
  | 'subrequest' // nginx auth_request, Lambda REQUEST authorizer: unknown inputs
  | 'mtls'
  | 'ip-allowlist'
  | 'unknown';

export interface AuthRequirement {
  mechanism: AuthMechanism;
  /** the request header it reads, if known (e.g. `Authorization`, `X-Api-Key`) */
  header?: string;
  /** human description: `Cognito authorizer MyAuth`, `auth_basic "Restricted"` */
  description: string;
  /** the status a request without credentials gets (401/403), if known */
  failureStatus?: number;
  span: Span;
  /** nginx `satisfy any`: passing any one of the responder's requirements is enough */
  satisfyAny?: boolean;
  /**
   * On a preflight's requirement: the edit that takes it off OPTIONS, computed by the source,
   * which knows the file's layout (SAM `AddDefaultAuthorizerToCorsPreflight: false`, OpenAPI
   * `security: []` on the options operation). Rules attach it to their finding as a fix.
   */
  exemptFix?: { file: string; range: [number, number]; text: string; description: string };
}

export type StatusInfo =
  | { kind: 'fixed'; code: number; span?: Span }
  /** decided by the backend (proxy, Lambda): a 2xx when all goes well, errors possible */
  | { kind: 'backend' }
  | { kind: 'unknown'; reason: string };

export interface Redirect {
  status: number;
  location?: string;
  span: Span;
}

export interface Backend {
  kind: 'proxy' | 'lambda-proxy' | 'lambda' | 'http-proxy' | 'http' | 'mock' | 'static' | 's3' | 'none' | 'unknown';
  /** whether the backend may itself emit CORS headers (then gateway+backend can duplicate them) */
  emitsCors: 'yes' | 'no' | 'unknown';
  /** backend response headers the gateway removes (nginx proxy_hide_header, more_clear_headers) */
  hiddenHeaders: string[];
  /** true when the gateway overrides backend CORS headers (HTTP API CorsConfiguration, CloudFront OriginOverride) */
  gatewayOverridesCors?: boolean;
  description: string;
  span?: Span;
}

/**
 * What answers requests of some methods on a route: the gateway itself (return/MOCK), or a
 * backend with headers the gateway adds.
 */
export interface Responder {
  /** request methods this responder handles; '*' for all. A preflight is an OPTIONS request. */
  methods: string[] | '*';
  answeredBy: 'gateway' | 'backend' | 'nobody';
  status: StatusInfo;
  redirect?: Redirect;
  /** all headers the gateway (and known backend) add, with onSuccess/onErrors flags */
  headers: HeaderRule[];
  /** authentication checked before this responder runs (empty: none) */
  auth: AuthRequirement[];
  backend?: Backend;
  /** the directive/key that makes this responder (the `if` block, the OPTIONS method, ...) */
  span: Span;
  /** human description, e.g. `if ($request_method = OPTIONS) { return 204; }` */
  description: string;
}

/** A header declared at an outer scope that does not reach this route (nginx add_header inheritance). */
export interface DroppedHeader {
  header: HeaderRule;
  /** the declaration that caused the drop (the first inner add_header) */
  droppedBy: Span;
  /** which responder (by index into Route.responders) loses it */
  responderIndex: number;
}

export interface PathMatch {
  /** `glob`: CloudFront path patterns (`*` any run of characters, `?` one character) */
  kind: 'prefix' | 'exact' | 'regex' | 'template' | 'any' | 'glob';
  /** as written: `/api/`, `~* ^/v1/(.*)$`, `/orders/{id}`, `/{proxy+}` */
  value: string;
  caseInsensitive?: boolean;
  /** nginx `location ^~ /x`: when it is the longest prefix match, regex locations are not checked */
  noRegex?: boolean;
}

export interface CdnFacts {
  allowedMethods?: { methods: string[]; span?: Span };
  cachedMethods?: { methods: string[]; span?: Span };
  /** request headers forwarded to the origin: a list, 'all', or unknown */
  forwardedHeaders?: { headers: string[] | 'all'; span?: Span } | { unknown: string };
  /** request headers in the cache key */
  cacheKeyHeaders?: { headers: string[] | 'all'; span?: Span } | { unknown: string };
  /** the response is cached (so origin-dependent headers need Origin in the key) */
  caches?: { value: boolean; span?: Span };
}

/** A Set-Cookie the gateway adds or rewrites. */
export interface CookieRule {
  /** the cookie attributes as written (`SameSite=None; Secure`) */
  attributes: string;
  span: Span;
  via: string;
}

/** One thing a browser can call. */
export interface Route {
  /** stable id, unique within a lint run: `nginx:conf/api.conf:12` or `rest-api:Api/orders/PUT` */
  id: string;
  source: SourceKind;
  /** human name used in messages: `location /api/ (server api.example.com)`, `PUT /orders` */
  name: string;
  span: Span;
  match: {
    hosts: string[];
    path: PathMatch;
    /** methods the route serves (for REST methods, the method; for nginx, '*' unless limited) */
    methods: string[] | '*';
    span?: Span;
    /** nginx `listen` ports of the server (empty/absent: not stated; nginx then listens on 80) */
    listen?: { port: string; ssl: boolean; span: Span; /** `default_server` on this listen */ defaultServer?: boolean }[];
    /** the server block (nginx) or API/distribution the route belongs to: routes with the same id are matched together */
    server?: string;
    /** the id of the enclosing route (an nginx location nested in another); absent at top level */
    parent?: string;
    /** position in the configuration, for first-match orders (nginx regex locations, CloudFront behaviors); else array order */
    order?: number;
  };
  /**
   * Responders in priority order: the simulator uses the first one whose `methods` contain the
   * request method (a preflight is method OPTIONS). Sources must list OPTIONS-specific ones first.
   */
  responders: Responder[];
  droppedHeaders: DroppedHeader[];
  cookies: CookieRule[];
  cdn?: CdnFacts;
  /** headers clients need that the route's auth implies (derived by the source): e.g. Authorization */
  requiredRequestHeaders?: { name: string; reason: string; span: Span }[];
  /** the route takes JSON bodies (Content-Type: application/json forces a preflight) */
  takesJson?: boolean;
  /** gateway-generated error responses (API Gateway gateway responses) */
  gatewayErrors?: GatewayError[];
  /** free-form facts for messages */
  notes?: string[];
  /**
   * nginx `internal`: only internal redirects/subrequests reach this location; a browser's
   * request that selects it gets 404 (with only the `always` headers). Browsers never call it by design.
   */
  internal?: Span;
  /**
   * Parts of this route's configuration the source could not see (an unresolved nginx
   * `include`): headers, auth or returns may be missing from the model, so rules should not
   * assert that something is absent.
   */
  incomplete?: { reason: string; span: Span }[];
  /**
   * The route stands for requests no declared path matches (an nginx server without `location /`):
   * real but rarely called by browsers, so rules may report less here.
   */
  implicit?: boolean;
  /** nginx `error_page`: error statuses answered by another URI (whose location's headers then apply) */
  errorPages?: { codes: number[]; target: string; status?: number; span: Span }[];
  /**
   * Routes configured as one unit share this id (one REST or HTTP API, one CloudFront
   * distribution): CORS set up on one of them shows the others are called from browsers too,
   * e.g. a REST `ANY /` without OPTIONS beside `/{proxy+}` with a CORS MOCK. Leave unset where
   * each route stands alone (nginx locations).
   */
  group?: string;
}

export interface GatewayError {
  /** `UNAUTHORIZED`, `DEFAULT_4XX`, ... */
  type: string;
  status: number;
  headers: HeaderRule[];
  /** the declaration (undefined: the AWS default with no CORS headers) */
  span?: Span;
}

/** A problem a source found while reading (parse errors, unresolved includes, bad contexts). */
export interface SourceDiagnostic {
  ruleId: 'parse-error' | 'invalid-directive-context' | 'unresolved-include' | string;
  message: string;
  span: Span;
  /** a file that could not be read at all stops its source: reported as ESLint `fatal` */
  fatal?: boolean;
}

/** Everything a source produced from some input files. */
export interface SourceResult {
  routes: Route[];
  diagnostics: SourceDiagnostic[];
  /** every file the source read (including resolved includes), with its text, for suppressions and fixes */
  files: Map<string, string>;
  /**
   * Files this source read as part of another file of the run (an OpenAPI definition a SAM API
   * includes): routes other sources made of them on their own are dropped, as what is deployed is
   * the definition with the template's settings.
   */
  readAsPartOf?: Set<string>;
}
