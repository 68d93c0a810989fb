/** The simulator's request, steps and result. */
import type { Route, Span } from '../model/types.js';
import type { EngineName, Mode } from './engines.js';
import type { RequestHeader } from './fetch.js';
import type { BackendAssumption, PredictedResponse } from './response.js';

/** The public reason codes (`--format json` failedCheck). */
export type FailedCheck =
  | 'no-route'
  | 'preflight-status'
  | 'preflight-missing-allow-origin'
  | 'allow-origin-mismatch'
  | 'wildcard-origin-with-credentials'
  | 'missing-allow-credentials'
  | 'method-not-allowed'
  | 'header-not-allowed'
  | 'invalid-allow-list'
  | 'multiple-allow-origin'
  | 'actual-missing-allow-origin'
  | 'redirect';

export interface SimRequest {
  /**
   * The Origin the browser sends: a serialized origin, or `null` (opaque origins). `undefined`
   * means no browser Origin at all (React Native, curl): CORS does not apply.
   */
  origin: string | undefined;
  /** the method as the script passes it (normalized by the simulator) */
  method: string;
  /** headers the script sets */
  headers: RequestHeader[];
  /** credentials: 'include' (withCredentials) */
  credentials: boolean;
  /** the request URL, when known: used for redirects and the story */
  url?: string;
  /** XHR upload listeners or a stream body: always preflighted */
  forcePreflight?: boolean;
}

export interface SimOptions {
  mode?: Mode;
  /** finds the route for a redirect target (absolute URL); undefined when not in the config */
  resolveUrl?: (url: string) => Route | undefined;
  /** what a backend answers when the config cannot show it (tests, what-if runs) */
  backend?: BackendAssumption;
}

export type StepResult = 'pass' | 'fail' | 'unknown' | 'info';

export interface Step {
  phase: 'request' | 'preflight' | 'actual' | 'redirect';
  /** a short id: `preflight-needed`, `allow-origin`, `status`, `allow-methods`, `auth`, ... */
  check: string;
  result: StepResult;
  message: string;
  span?: Span;
  /** set on the failing step */
  failedCheck?: FailedCheck;
  /** what the step is about, for fixes: the header name, the method */
  subject?: string;
}

export type Verdict = 'allowed' | 'blocked' | 'unknown';

/** One engine's run. */
export interface EngineRun {
  engine: EngineName;
  verdict: Verdict;
  preflightSent: boolean;
  failedCheck: FailedCheck | null;
  /** the step that decided a blocked verdict */
  failure?: Step;
  /** why the verdict is unknown (each with its span when known) */
  unknowns: { reason: string; span?: Span }[];
  steps: Step[];
  fix?: string;
  /** the predicted responses, in order (preflight first when sent, then each hop) */
  responses: { kind: 'preflight' | 'actual'; method: string; url?: string; origin: string; route: Route; response: PredictedResponse }[];
  /** seconds the preflight result is cached by this engine */
  preflightCacheSeconds?: number;
}

export interface Simulation {
  mode: Mode;
  route: Route | undefined;
  verdict: Verdict;
  allowed: boolean;
  preflightSent: boolean;
  failedCheck: FailedCheck | null;
  /** the run the story tells (the first blocking engine in browsers mode) */
  primary: EngineRun;
  runs: EngineRun[];
}
