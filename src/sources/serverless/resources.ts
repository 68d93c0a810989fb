/**
 * `resources:` of a serverless.yml: raw CloudFormation the framework merges into the stack it
 * compiles (inline, a `${file(...)}` fragment, or a list of both). Each fragment goes through the
 * CloudFormation source as a template of its own (S3 buckets, CloudFront, extra APIs), and what
 * belongs to the framework's REST API is handed to the Serverless REST model: gateway responses
 * and authorizers whose `RestApiId` is `{ Ref: ApiGatewayRestApi }`.
 */
import type { Route, SourceDiagnostic, Span } from '../../model/types.js';
import type { GwGatewayResponse } from '../cloudformation/apigw.js';
import { identityHeaders, type GwAuthorizer } from '../cloudformation/auth.js';
import { templateRoutes } from '../cloudformation/index.js';
import { gatewayResponses } from '../cloudformation/rest.js';
import { Template } from '../cloudformation/template.js';
import { isMap, isScalar, type ParsedDocument, type YMap, type YNode, type YPair } from '../yaml-positions.js';
import type { Located, Variables } from './variables.js';

/** The framework's logical id for the REST API it creates from `http` events. */
export const REST_API_ID = 'ApiGatewayRestApi';

export interface ServerlessResources {
  routes: Route[];
  diagnostics: SourceDiagnostic[];
  /** gateway responses of the framework's REST API */
  gatewayResponses: GwGatewayResponse[];
  /** AWS::ApiGateway::Authorizer resources of the framework's REST API, by logical id */
  authorizers: Map<string, GwAuthorizer>;
  /** parts of `resources` that could not be read: they may declare gateway responses too */
  unseen: { reason: string; span: Span }[];
}

const SECTIONS = ['Resources', 'Conditions', 'Parameters', 'Outputs'];

export function readResources(vars: Variables, root: Located): ServerlessResources {
  const out: ServerlessResources = { routes: [], diagnostics: [], gatewayResponses: [], authorizers: new Map(), unseen: [] };
  const top = vars.pair(root, 'resources');
  if (!top) return out;
  const unseen = (at: Located, reason: string) => {
    out.unseen.push({ reason, span: vars.spanNode(at) });
  };
  const fragments: Located[] = [];
  const addFragment = (raw: Located) => {
    const f = vars.follow(raw);
    if (!f || (isScalar(f.node) && f.node.text.includes('${'))) {
      unseen(raw, unreadable(vars, raw));
      return;
    }
    if (isMap(f.node)) fragments.push(f);
    else if (f.node.kind === 'seq') for (const item of f.node.items) addFragment({ node: item, doc: f.doc });
  };
  addFragment({ node: top.pair.value, doc: top.doc });

  for (const frag of fragments) {
    const fragMap = frag.node as YMap;
    const pairs: YPair[] = [];
    for (const section of SECTIONS) {
      const p = fragMap.byKey.get(section);
      if (!p) continue;
      const raw: Located = { node: p.value, doc: frag.doc };
      const value = vars.follow(raw);
      if (!value || (isScalar(value.node) && value.node.text.includes('${'))) {
        unseen(raw, unreadable(vars, raw));
        continue;
      }
      if (value.doc !== frag.doc) {
        // `Resources: ${file(x.yml)}`: that file is a fragment of its own
        fragments.push({ node: syntheticMap([[section, value.node]]), doc: value.doc });
        continue;
      }
      pairs.push({ ...p, value: vars.substitute(value, unseen) });
    }
    if (pairs.length === 0) continue;
    const doc: ParsedDocument = { ...frag.doc, diagnostics: [], root: { ...fragMap, pairs, byKey: new Map(pairs.map((p) => [p.key, p])) } };
    const model = templateRoutes(doc);
    out.routes.push(...model.routes);
    out.diagnostics.push(...model.diagnostics);
    const t = new Template(doc);
    const ours = (n: YNode | undefined) => t.refTarget(n) === REST_API_ID;
    out.gatewayResponses.push(...gatewayResponses(t, t.ofType('AWS::ApiGateway::GatewayResponse').filter((g) => ours(t.get(g.props, 'RestApiId')))));
    for (const a of t.ofType('AWS::ApiGateway::Authorizer')) {
      const type = t.str(t.get(a.props, 'Type'));
      const src = t.str(t.get(a.props, 'IdentitySource'));
      const upper = type.ok ? type.text.toUpperCase() : '';
      out.authorizers.set(a.id, {
        name: a.id,
        type: upper === 'TOKEN' || upper === 'REQUEST' || upper === 'COGNITO_USER_POOLS' ? upper : 'unknown',
        headers: src.ok ? identityHeaders(src.text) : upper !== 'REQUEST' ? ['Authorization'] : [],
        span: t.spanResource(a),
      });
    }
  }
  return out;
}

function unreadable(vars: Variables, at: Located): string {
  const s = vars.text(at);
  const what = isScalar(at.node) ? at.node.text : 'this part of resources';
  return s.ok ? `${what} is not a CloudFormation fragment` : `${what}: ${s.reason}`;
}

function syntheticMap(entries: [string, YNode][]): YMap {
  const pairs: YPair[] = entries.map(([key, value]) => ({ key, keyStart: value.start, keyEnd: value.start, value }));
  const start = pairs[0]?.value.start ?? 0;
  const end = pairs[pairs.length - 1]?.value.end ?? start;
  return { kind: 'map', pairs, byKey: new Map(pairs.map((p) => [p.key, p])), start, end };
}
