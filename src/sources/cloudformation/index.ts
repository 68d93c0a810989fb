/**
 * CloudFormation + SAM source: REST APIs (resources or inline OpenAPI Body), SAM Api/HttpApi
 * (explicit and implicit), HTTP APIs (ApiGatewayV2), CloudFront distributions and S3 bucket
 * CORS, each normalized into Routes of the common model.
 */
import { resolve } from 'node:path';
import type { Route, SourceDiagnostic, SourceResult } from '../../model/types.js';
import { internalError, loadEachFile } from '../per-file.js';
import type { InputFile, SourceAdapter, SourceHost } from '../types.js';
import { isMap, parseYaml, type ParsedDocument, type YNode } from '../yaml-positions.js';
import { parseJson } from '../json-positions.js';
import { openApiToHttpApi, openApiToRestApi } from '../openapi/convert.js';
import { httpApiToRoutes, restApiToRoutes, type HttpApiModel, type RestApiModel } from './apigw.js';
import { cloudFrontRoutes, type OriginInfo } from './cloudfront.js';
import { buildHttpApis } from './http.js';
import { buildRestApis } from './rest.js';
import { s3Routes, bucketCorsRules } from './s3.js';
import { reachedFromRoots } from '../reached.js';
import { shownPath } from '../shown-path.js';
import { nestedStacks, readThrough, type NestedStack } from './nested.js';
import { buildSamApis, buildSamHttpApis } from './sam.js';
import { includeLocation, localFile, type DefinitionReader, type IncludedDefinition } from './include.js';
import { Template, type GivenParameters, type Resource } from './template.js';

export function parseTemplateText(path: string, text: string): ParsedDocument {
  const first = /\S/.exec(text)?.[0];
  return first === '{' || first === '[' ? parseJson(path, text) : parseYaml(path, text);
}

export interface TemplateModel {
  rest: RestApiModel[];
  http: HttpApiModel[];
  routes: Route[];
  diagnostics: SourceDiagnostic[];
  /** the template read (undefined when the document is not a mapping) */
  template?: Template;
}

/**
 * Puts route groups (`rest-api:Api`, named by logical id) under `scope`, so that two templates of
 * one run, each with its own `Api`, never share a group (one's CORS would count as the other's).
 */
export function scopeGroups(routes: readonly Route[], scope: string): void {
  for (let i = 0; i < routes.length; i++) {
    const r = routes[i]!;
    if (r.group !== undefined) r.group = `${scope}#${r.group}`;
  }
}

export interface TemplateOptions {
  /** the parameter values a parent stack gives the template, when it is read as a nested stack */
  given?: GivenParameters;
  /** what makes its route groups unique in the run (default: the file) */
  scope?: string;
  /** reads API definitions from other files (`AWS::Include`, `DefinitionUri`), reporting into the given list; none: inline bodies only */
  definitions?: (diagnostics: SourceDiagnostic[]) => DefinitionReader;
}

/** Everything one template declares, as intermediate models and routes. */
export function templateRoutes(doc: ParsedDocument, options: TemplateOptions = {}): TemplateModel {
  const { given, scope = doc.file, definitions } = options;
  const out: TemplateModel = { rest: [], http: [], routes: [], diagnostics: [] };
  if (!isMap(doc.root)) {
    if (doc.root !== null) {
      out.diagnostics.push({ ruleId: 'parse-error', message: 'A CloudFormation template must be a mapping at the top level', span: { file: doc.file, line: 1, column: 1, endLine: 1, endColumn: 1 }, fatal: true });
    }
    return out;
  }
  const t = new Template(doc, given);
  out.template = t;
  const reader = definitions?.(out.diagnostics);
  // An imported definition: inline, or included from another file (read as part of this template).
  const definition = (api: Resource, body: YNode) => {
    const included = reader?.body(t, body, `${api.id} Body`);
    return included === undefined ? { t, root: body } : included;
  };
  const rest = buildRestApis(t, (api, body) => {
    const d = definition(api, body);
    return d ? openApiToRestApi(d.t, d.root, { id: api.id, label: api.id, source: 'cloudformation', span: t.spanResource(api) }) : undefined;
  });
  out.diagnostics.push(...rest.diagnostics);
  out.rest.push(...rest.apis, ...buildSamApis(t, reader));
  const http = buildHttpApis(
    t,
    (api, body) => {
      const d = definition(api, body);
      return d ? openApiToHttpApi(d.t, d.root, { id: api.id, label: api.id, source: 'cloudformation', span: t.spanResource(api) }) : { id: api.id, label: api.id, source: 'cloudformation', span: t.spanResource(api), routes: [] };
    },
    out.diagnostics,
  );
  out.http.push(...http, ...buildSamHttpApis(t, reader));
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
  scopeGroups(out.routes, scope);
  return out;
}

/** How deep nested stacks are followed (CloudFormation allows five levels). */
const MAX_NESTING = 16;

/** The templates of a run, parsed once, and the documents read from disk for nested stacks and API definitions. */
interface Templates {
  /** by resolved path; null: read from disk and not a mapping (the reason is the value of `unreadable`) */
  docs: Map<string, ParsedDocument | null>;
  unreadable: Map<string, string>;
  host: SourceHost;
  /** the texts of the documents read from disk (the run's files for formatters and fixes) */
  read: Map<string, string>;
  /** the documents read as API definitions (`SourceResult.readAsPartOf`) */
  definitionFiles: Set<string>;
  definitions: (diagnostics: SourceDiagnostic[]) => DefinitionReader;
}

/** A nested stack's template or an included definition: one of the run's, else read from disk; null when there is none to read. */
function localDocument(path: string, templates: Templates): ParsedDocument | null {
  const known = templates.docs.get(path);
  if (known !== undefined) return known;
  const text = templates.host.readFile(path);
  let doc: ParsedDocument | null = null;
  if (text === undefined) templates.unreadable.set(path, 'cannot be read');
  else {
    const parsed = parseTemplateText(path, text);
    const fatal = parsed.diagnostics.find((d) => d.fatal);
    if (fatal) templates.unreadable.set(path, `is not valid ${parsed.format === 'json' ? 'JSON' : 'YAML'} (line ${fatal.span.line}: ${fatal.message})`);
    else if (!isMap(parsed.root)) templates.unreadable.set(path, 'is not a YAML or JSON mapping');
    else {
      doc = parsed;
      templates.read.set(path, text);
    }
  }
  templates.docs.set(path, doc);
  return doc;
}

/**
 * Lints `stacks`, the stacks `t` nests whose template is a local file, each with the parameters
 * `t` gives it, and theirs in turn, into `result`. `chain`: the templates from the one linted on
 * its own down to `t`; `address`: `t`'s stack path from there (`Orders/`), before its nested
 * stacks' logical ids.
 */
function lintNested(t: Template, stacks: NestedStack[], templates: Templates, result: SourceResult, chain: string[], address: string): void {
  for (const s of stacks) {
    // CloudFormation rejects a stack that nests itself; a deeper tree than this is not followed
    if (chain.includes(s.path) || chain.length >= MAX_NESTING) continue;
    const doc = localDocument(s.path, templates);
    if (doc === null) {
      result.diagnostics.push(unresolvedTemplate(t, s, templates.unreadable.get(s.path) ?? 'cannot be read'));
      continue;
    }
    const path = `${address}${s.id}`;
    const via = `${s.kind} ${path}, nested in ${shownPath(t.doc.file)}`;
    const m = templateRoutes(doc, { given: { values: s.parameters, by: `${s.kind} ${s.id} of ${shownPath(t.doc.file)}` }, definitions: templates.definitions });
    for (const r of readThrough(m.routes, via, `${s.kind}:${path}/`)) result.routes.push(r);
    for (const d of readThrough(m.diagnostics, via, '')) result.diagnostics.push(d);
    const nested = m.template ? nestedStacks(m.template) : [];
    if (nested.length) lintNested(m.template!, nested, templates, result, [...chain, s.path], `${path}/`);
  }
}

/**
 * Reads the API definitions templates include from local files, as part of the template (its
 * parameters and conditions apply); what it cannot read is `unresolved-include` at the location.
 * The files read are recorded in `readAsPartOf`: their own lint as OpenAPI documents is dropped.
 */
function definitionReader(templates: Templates, diagnostics: SourceDiagnostic[]): DefinitionReader {
  const unresolved = (t: Template, at: YNode, message: string) => diagnostics.push({ ruleId: 'unresolved-include', message, span: t.spanNode(at) });
  const read = (t: Template, location: YNode, what: string): IncludedDefinition | null => {
    const written = location.kind === 'scalar' ? location.text : undefined;
    const path = localFile(t, location);
    if (path === undefined) {
      unresolved(t, location, written ? `${what} "${written}" is not a local file, which corslint cannot read: its routes were not checked` : `${what} is only known at deploy time: its routes were not checked`);
      return null;
    }
    const doc = localDocument(path, templates);
    if (doc === null) {
      unresolved(t, location, `${what} "${written}" ${templates.unreadable.get(path) ?? 'cannot be read'}: its routes were not checked`);
      return null;
    }
    templates.definitionFiles.add(path);
    return { t: Template.included(doc, t), root: doc.root! };
  };
  return {
    body(t, value, what) {
      const location = includeLocation(t, value);
      return location === undefined ? undefined : read(t, location, what);
    },
    uri(t, entry, what) {
      const value = t.valueOf(entry);
      if (entry === undefined || value === undefined) return undefined;
      if (value.kind === 'map') {
        // (`{Bucket, Key}`; an intrinsic function resolving to a local path is not a SAM form)
        diagnostics.push({ ruleId: 'unresolved-include', message: `${what} is an S3 object, which corslint cannot read: its routes were not checked`, span: t.spanKey(entry) });
        return null;
      }
      return read(t, value, what);
    },
  };
}

function unresolvedTemplate(t: Template, s: NestedStack, why: string): SourceDiagnostic {
  const key = s.kind === 'stack' ? 'TemplateURL' : 'Location';
  return {
    ruleId: 'unresolved-include',
    message: `${s.kind === 'stack' ? 'Nested stack' : 'Nested application'} ${s.id}: its ${key} "${s.written}" ${why}, so the routes that template defines were not checked`,
    span: t.spanNode(s.at),
  };
}

export const cloudformationSource: SourceAdapter = {
  kind: 'cloudformation',
  load(files: InputFile[], host: SourceHost): SourceResult {
    // Each template on its own first, with the stacks it nests (none, in the usual template).
    const read: { key: string; m: TemplateModel; nested: NestedStack[] }[] = [];
    const templates: Templates = {
      docs: new Map(),
      unreadable: new Map(),
      host,
      read: new Map(),
      definitionFiles: new Set(),
      definitions: (diagnostics) => definitionReader(templates, diagnostics),
    };
    const result = loadEachFile(files, 'template', (f, result) => {
      const doc = parseTemplateText(f.path, f.text);
      result.diagnostics.push(...doc.diagnostics);
      if (!doc.root) return;
      const key = resolve(f.path);
      templates.docs.set(key, doc);
      const m = templateRoutes(doc, { definitions: templates.definitions });
      read.push({ key, m, nested: m.template ? nestedStacks(m.template) : [] });
    });
    // A template another one of the run nests (directly or down a chain from one nothing nests)
    // is linted with the parameters it is given there, as a Terraform module through its calls;
    // on its own only when nothing here nests it.
    const reached = read.some((r) => r.nested.length) ? reachedFromRoots(new Map(read.map((r) => [r.key, r.nested.map((s) => s.path)]))) : new Set<string>();
    for (const { key, m, nested } of read) {
      if (reached.has(key)) continue;
      for (let i = 0; i < m.routes.length; i++) result.routes.push(m.routes[i]!);
      for (let i = 0; i < m.diagnostics.length; i++) result.diagnostics.push(m.diagnostics[i]!);
      if (nested.length === 0) continue;
      try {
        lintNested(m.template!, nested, templates, result, [key], '');
      } catch (err) {
        result.diagnostics.push(internalError('template', m.template!.doc.file, err));
      }
    }
    for (const [path, text] of templates.read) result.files.set(path, text);
    if (templates.definitionFiles.size) result.readAsPartOf = templates.definitionFiles;
    return result;
  },
};

