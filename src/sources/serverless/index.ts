/**
 * Serverless Framework source (`serverless.yml`, AWS provider): the REST API of `http` events,
 * the HTTP API of `httpApi` events and the raw CloudFormation under `resources`, translated into
 * the intermediate API Gateway models of the CloudFormation source so every rule applies as it
 * does to CloudFormation, SAM and OpenAPI.
 */
import type { SourceResult } from '../../model/types.js';
import { httpApiToRoutes, restApiToRoutes } from '../cloudformation/apigw.js';
import { parseTemplateText } from '../cloudformation/index.js';
import { loadEachFile } from '../per-file.js';
import type { InputFile, SourceAdapter, SourceHost } from '../types.js';
import { isMap } from '../yaml-positions.js';
import { buildHttpApi } from './http-api.js';
import { readResources } from './resources.js';
import { buildRestApi } from './rest.js';
import { readService } from './service.js';
import { Variables } from './variables.js';

function loadOne(f: InputFile, host: SourceHost, result: SourceResult): void {
  const doc = parseTemplateText(f.path, f.text);
  result.diagnostics.push(...doc.diagnostics);
  if (!doc.root) return;
  if (!isMap(doc.root)) {
    result.diagnostics.push({ ruleId: 'parse-error', fatal: true, message: 'A serverless.yml must be a mapping at the top level', span: { file: f.path, line: 1, column: 1, endLine: 1, endColumn: 1 } });
    return;
  }
  const vars = new Variables(doc, host, result.files);
  const root = { node: doc.root, doc };
  const service = readService(vars, root);
  const provider = vars.text(vars.get(service.provider, 'name'));
  // Other providers (azure, google, ...) have no API Gateway; a provider only known at deploy time is read as AWS.
  if (provider.ok && provider.text.toLowerCase() !== 'aws') return;
  const resources = readResources(vars, root);
  const rest = buildRestApi(service, resources, f.path);
  if (rest) result.routes.push(...restApiToRoutes(rest));
  const http = buildHttpApi(service, f.path);
  if (http) result.routes.push(...httpApiToRoutes(http));
  result.routes.push(...resources.routes);
  result.diagnostics.push(...resources.diagnostics, ...vars.diagnostics);
}

export const serverlessSource: SourceAdapter = {
  kind: 'serverless',
  load(files: InputFile[], host: SourceHost): SourceResult {
    return loadEachFile(files, 'serverless.yml', (f, result) => loadOne(f, host, result));
  },
};
