/** Every rule, in catalog order. Adding a rule: one file `rules/<id>.ts`, its doc `rules/<id>.md`, and one line here. */
import type { Rule } from '../src/engine/rule.js';
import parseError from './parse-error.js';
import preflightRequiresAuth from './preflight-requires-auth.js';
import preflightUnhandled from './preflight-unhandled.js';
import preflightBadStatus from './preflight-bad-status.js';
import preflightMissingAllowOrigin from './preflight-missing-allow-origin.js';
import allowHeadersMissingAuthorization from './allow-headers-missing-authorization.js';
import allowHeadersMissingHeader from './allow-headers-missing-header.js';
import allowMethodsMissingMethod from './allow-methods-missing-method.js';
import authorizationCoveredOnlyByWildcard from './authorization-covered-only-by-wildcard.js';
import wildcardIgnoredWithCredentials from './wildcard-ignored-with-credentials.js';
import invalidHeaderList from './invalid-header-list.js';
import duplicateCorsHeader from './duplicate-cors-header.js';
import corsHeadersMissingOnErrors from './cors-headers-missing-on-errors.js';
import corsHeadersDroppedByInheritance from './cors-headers-dropped-by-inheritance.js';
import missingVaryOrigin from './missing-vary-origin.js';
import cdnStripsCorsRequestHeaders from './cdn-strips-cors-request-headers.js';
import cdnStripsAuthorization from './cdn-strips-authorization.js';
import maxAgeAboveBrowserCap from './max-age-above-browser-cap.js';
import maxAgeMissing from './max-age-missing.js';
import samesiteNoneWithoutSecure from './samesite-none-without-secure.js';
import corsDelegatedToBackend from './cors-delegated-to-backend.js';
import clientBlocked from './client-blocked.js';
import wildcardOriginWithCredentials from './wildcard-origin-with-credentials.js';
import reflectedOriginWithCredentials from './reflected-origin-with-credentials.js';
import reflectedOrigin from './reflected-origin.js';
import originPatternBypass from './origin-pattern-bypass.js';
import originPatternInvalid from './origin-pattern-invalid.js';
import nullOriginAllowed from './null-origin-allowed.js';
import insecureOriginAllowed from './insecure-origin-allowed.js';
import sharedHostOriginAllowed from './shared-host-origin-allowed.js';
import invalidAllowOriginValue from './invalid-allow-origin-value.js';
import credentialsValueInvalid from './credentials-value-invalid.js';
import invalidMappingExpression from './invalid-mapping-expression.js';
import invalidDirectiveContext from './invalid-directive-context.js';
import unresolvedInclude from './unresolved-include.js';

export const allRules: Rule[] = [
  parseError,
  preflightRequiresAuth,
  preflightUnhandled,
  preflightBadStatus,
  preflightMissingAllowOrigin,
  allowHeadersMissingAuthorization,
  allowHeadersMissingHeader,
  allowMethodsMissingMethod,
  authorizationCoveredOnlyByWildcard,
  wildcardIgnoredWithCredentials,
  invalidHeaderList,
  duplicateCorsHeader,
  corsHeadersMissingOnErrors,
  corsHeadersDroppedByInheritance,
  missingVaryOrigin,
  cdnStripsCorsRequestHeaders,
  cdnStripsAuthorization,
  maxAgeAboveBrowserCap,
  maxAgeMissing,
  samesiteNoneWithoutSecure,
  corsDelegatedToBackend,
  clientBlocked,
  wildcardOriginWithCredentials,
  reflectedOriginWithCredentials,
  reflectedOrigin,
  originPatternBypass,
  originPatternInvalid,
  nullOriginAllowed,
  insecureOriginAllowed,
  sharedHostOriginAllowed,
  invalidAllowOriginValue,
  credentialsValueInvalid,
  invalidMappingExpression,
  invalidDirectiveContext,
  unresolvedInclude,
];
