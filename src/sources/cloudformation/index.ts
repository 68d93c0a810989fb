/**
 * CloudFormation + SAM source: REST APIs (resources or inline OpenAPI Body), SAM Api/HttpApi
 * (explicit and implicit), HTTP APIs (ApiGatewayV2), CloudFront distributions and S3 bucket
 * CORS, each normalized into Routes of the common model.
 */
import type { Route, SourceDiagnostic, SourceResult } from '../../model/types.js';
import { loadEachFile } from '../per-file.js';
import type { InputFile, SourceAdapter } from '../types.js';
import { isMap, parseYaml, type ParsedDocument } from '../yaml-positions.js';
import { parseJson } from '../json-positions.js';
import { openApiToHttpApi, openApiToRestApi } from '../openapi/convert.js';
import { httpApiToRoutes, restApiToRoutes, type HttpApiModel, type RestApiModel } from './apigw.js';
import { cloudFrontRoutes, type OriginInfo } from './cloudfront.js';
import { buildHttpApis } from './http.js';
import { buildRestApis } from './rest.js';
import { s3Routes, bucketCorsRules } from './s3.js';
import { buildSamApis, buildSamHttpApis } from './sam.js';
import { Template } from './template.js';

export function parseTemplateText(path: string, text: string): ParsedDocument {
  const first = /\S/.exec(text)?.[0];
  return first === '{' || first === '[' ? parseJson(path, text) : parseYaml(path, text);
}

export interface TemplateModel {
  rest: RestApiModel[];
  http: HttpApiModel[];
  routes: Route[];
  diagnostics: SourceDiagnostic[];
}

/** Everything one template declares, as intermediate models and routes. */
export function templateRoutes(doc: ParsedDocument): TemplateModel {
  const out: TemplateModel = { rest: [], http: [], routes: [], diagnostics: [] };
  if (!isMap(doc.root)) {
    if (doc.root !== null) {
      out.diagnostics.push({ ruleId: 'parse-error', message: 'A CloudFormation template must be a mapping at the top level', span: { file: doc.file, line: 1, column: 1, endLine: 1, endColumn: 1 }, fatal: true });
    }
    return out;
  }
  const t = new Template(doc);
  const rest = buildRestApis(t, (api, body) => openApiToRestApi(t, body, { id: api.id, label: api.id, source: 'cloudformation', span: t.spanResource(api) }));
  out.diagnostics.push(...rest.diagnostics);
  out.rest.push(...rest.apis, ...buildSamApis(t));
  const http = buildHttpApis(t, (api, body) => openApiToHttpApi(t, body, { id: api.id, label: api.id, source: 'cloudformation', span: t.spanResource(api) }), out.diagnostics);
  out.http.push(...http, ...buildSamHttpApis(t));
  // Each API's routes under the logical id their route ids start with (`rest-api:<id>/...`,
  // `http-api:<id>/...`); merged per id only when a CloudFront origin asks (most templates have no distribution).
  const perApi: { id: string; routes: Route[] }[] = [];
  const add = (apiId: string, routes: Route[]) => {
    if (routes.length === 0) return;
    perApi.push({ id: apiId.split('/')[0]!, routes });
    for (let i = 0; i < routes.length; i++) out.routes.push(routes[i]!);
  };
  for (const api of out.rest) add(api.id, restApiToRoutes(api));
  for (const api of out.http) add(api.id, httpApiToRoutes(api));
  let byApi: Map<string, Route[]> | undefined;
  const routesOf = (id: string): Route[] | undefined => {
    if (byApi === undefined) {
      byApi = new Map();
      for (const a of perApi) {
        const l = byApi.get(a.id);
        byApi.set(a.id, l ? l.concat(a.routes) : a.routes);
      }
    }
    return byApi.get(id);
  };
  const httpIds = new Set(out.http.map((a) => a.id));
  const origins = (ids: string[]): OriginInfo | undefined => {
    for (const id of ids) {
      const res = t.resources.get(id);
      if (!res) continue;
      if (res.type === 'AWS::S3::Bucket') {
        const cors = bucketCorsRules(t, res);
        return { emitsCors: cors ? 'yes' : 'no', kind: 's3', description: `S3 bucket ${id}`, requiredHeaders: [] };
      }
      const routes = routesOf(id);
      if (!routes) continue;
      const required = routes.flatMap((r) => r.requiredRequestHeaders ?? []);
      const seen = new Set<string>();
      const unique = required.filter((h) => !seen.has(h.name.toLowerCase()) && seen.add(h.name.toLowerCase()));
      if (httpIds.has(id)) {
        const api = out.http.find((a) => a.id === id)!;
        return { emitsCors: api.cors ? 'yes' : 'unknown', kind: 'proxy', description: `HTTP API ${id}`, requiredHeaders: unique };
      }
      return { emitsCors: 'unknown', kind: 'proxy', description: `REST API ${id}`, requiredHeaders: unique };
    }
    return undefined;
  };
  out.routes.push(...cloudFrontRoutes(t, origins));
  out.routes.push(...s3Routes(t));
  return out;
}

export const cloudformationSource: SourceAdapter = {
  kind: 'cloudformation',
  load(files: InputFile[]): SourceResult {
    return loadEachFile(files, 'template', (f, result) => {
      const doc = parseTemplateText(f.path, f.text);
      result.diagnostics.push(...doc.diagnostics);
      if (!doc.root) return;
      const m = templateRoutes(doc);
      result.routes.push(...m.routes);
      result.diagnostics.push(...m.diagnostics);
    });
  },
};
