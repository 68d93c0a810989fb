/** OpenAPI 2/3 source (API Gateway exports and hand-written definitions with x-amazon-apigateway-* extensions). */
import type { SourceResult } from '../../model/types.js';
import { httpApiToRoutes, restApiToRoutes } from '../cloudformation/apigw.js';
import { parseTemplateText, scopeGroups } from '../cloudformation/index.js';
import { Template } from '../cloudformation/template.js';
import { loadEachFile } from '../per-file.js';
import type { InputFile, SourceAdapter } from '../types.js';
import { isMap, spanOf } from '../yaml-positions.js';
import { openApiDocumentApi } from './convert.js';

export const openapiSource: SourceAdapter = {
  kind: 'openapi',
  load(files: InputFile[]): SourceResult {
    return loadEachFile(files, 'OpenAPI document', (f, result) => {
      const doc = parseTemplateText(f.path, f.text);
      result.diagnostics.push(...doc.diagnostics);
      if (!isMap(doc.root)) return;
      const t = new Template(doc);
      const title = t.str(t.get(t.get(doc.root, 'info'), 'title'));
      const label = title.ok ? title.text : '';
      const id = f.path.replace(/^.*[\\/]/, '');
      const span = spanOf(doc, 0, 0);
      const api = openApiDocumentApi(t, doc.root, { id, label, source: 'openapi', span });
      const routes = 'http' in api ? httpApiToRoutes(api.http) : restApiToRoutes(api.rest);
      // (the API is named by the file's name: two `api.yaml` of one run are two APIs)
      scopeGroups(routes, f.path);
      result.routes.push(...routes);
    });
  },
};
