/**
 * What differs between the Fetch standard and today's engines (reference/cors-protocol.md §2).
 * Mode `spec` runs the standard alone; mode `browsers` runs Chromium, Firefox and WebKit and
 * blocks when any of them blocks.
 */

export type Mode = 'spec' | 'browsers';
export type EngineName = 'spec' | 'chromium' | 'firefox' | 'webkit';

export interface EngineProfile {
  name: EngineName;
  /** for messages: `Chrome`, `Firefox`, `Safari`, `the Fetch standard` */
  label: string;
  /** `Access-Control-Allow-Headers: *` also covers Authorization (non-credentialed); a deprecation warning */
  authorizationCoveredByWildcard: boolean;
  /** Max-Age cap in seconds (undefined: the spec leaves it to the UA) */
  maxAgeCap?: number;
  /** how Access-Control-Max-Age is parsed: per spec, Firefox (any non-digit: not cached), Chromium/WebKit integer parse */
  maxAgeParsing: 'spec' | 'firefox' | 'int64';
  /** `Range: bytes=N-M` is safelisted */
  rangeSafelisted: boolean;
  /** engine-specific extra safelisted request headers: returns the reason when safelisted */
  extraSafelistedHeader?: (lowerName: string, value: string) => string | undefined;
  /** blocks third-party cookies for app-webview origins (WKWebView ITP, iOS 14+) */
  blocksThirdPartyCookiesInWebviews: boolean;
}

const DECIMAL = /^\d+(\.\d+)?$/;
const INTEGER = /^\d+$/;

/** Chromium's client-hint extensions to the safelist [CR cors.cc IsCorsSafelistedHeader]. */
function chromiumClientHints(n: string, v: string): string | undefined {
  if (n === 'intervention') return 'Chrome safelists Intervention';
  if ((n === 'device-memory' || n === 'dpr' || n === 'downlink') && DECIMAL.test(v)) return `Chrome safelists the ${n} client hint`;
  if ((n === 'width' || n === 'viewport-width' || n === 'rtt') && INTEGER.test(v)) return `Chrome safelists the ${n} client hint`;
  if (n === 'ect' && ['slow-2g', '2g', '3g', '4g'].includes(v)) return 'Chrome safelists the ECT client hint';
  if (n === 'save-data' && v === 'on') return 'Chrome safelists Save-Data: on';
  return undefined;
}

export const ENGINES: Record<EngineName, EngineProfile> = {
  spec: {
    name: 'spec',
    label: 'the Fetch standard',
    authorizationCoveredByWildcard: false,
    maxAgeParsing: 'spec',
    rangeSafelisted: true,
    blocksThirdPartyCookiesInWebviews: false,
  },
  chromium: {
    name: 'chromium',
    label: 'Chrome',
    authorizationCoveredByWildcard: true,
    maxAgeCap: 7200,
    maxAgeParsing: 'int64',
    rangeSafelisted: true,
    extraSafelistedHeader: chromiumClientHints,
    blocksThirdPartyCookiesInWebviews: true,
  },
  firefox: {
    name: 'firefox',
    label: 'Firefox',
    authorizationCoveredByWildcard: true,
    maxAgeCap: 86400,
    maxAgeParsing: 'firefox',
    // Not verified for Firefox (§7); the spec safelists it since 2021.
    rangeSafelisted: true,
    blocksThirdPartyCookiesInWebviews: true,
  },
  webkit: {
    name: 'webkit',
    label: 'Safari',
    authorizationCoveredByWildcard: true,
    maxAgeCap: 600,
    maxAgeParsing: 'int64',
    // Not verified for Safari (§7); the spec safelists it since 2021.
    rangeSafelisted: true,
    blocksThirdPartyCookiesInWebviews: true,
  },
};

export function enginesFor(mode: Mode): EngineProfile[] {
  return mode === 'spec' ? [ENGINES.spec] : [ENGINES.chromium, ENGINES.firefox, ENGINES.webkit];
}
