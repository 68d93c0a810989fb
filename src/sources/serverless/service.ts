/** The parts of a serverless.yml the API builders share: provider, service name, function events. */
import type { Span } from '../../model/types.js';
import { isMap, isSeq, type ParsedDocument, type YPair } from '../yaml-positions.js';
import type { Located, Variables } from './variables.js';

export interface ServiceEvent {
  /** the function's key under `functions` */
  fn: string;
  kind: 'http' | 'httpApi';
  /** the `http:` / `httpApi:` entry of the event */
  key: YPair;
  doc: ParsedDocument;
  /** the event's value, references followed */
  value: Located | undefined;
  /** where the event is declared: its `http:` / `httpApi:` key */
  span: Span;
}

export interface Service {
  vars: Variables;
  root: Located;
  provider: Located | undefined;
  /** the service name for messages (`notes-api`), or a stand-in */
  label: string;
  functionNames: Set<string>;
  events: ServiceEvent[];
}

export function readService(vars: Variables, root: Located): Service {
  const provider = vars.get(root, 'provider');
  const name = vars.text(vars.get(root, 'service'));
  const nameObj = vars.text(vars.get(vars.get(root, 'service'), 'name'));
  const label = name.ok ? name.text : nameObj.ok ? nameObj.text : 'serverless service';
  const functionNames = new Set<string>();
  const events: ServiceEvent[] = [];
  // `functions` is a map, or (framework v1+) a list of maps, e.g. `- ${file(functions/a.yml)}`
  const fnsNode = vars.get(root, 'functions');
  const groups = fnsNode && isSeq(fnsNode.node) ? (vars.list(fnsNode) ?? []) : fnsNode ? [fnsNode] : [];
  for (const group of groups) {
    for (const { pair, doc } of vars.entries(group)) {
      functionNames.add(pair.key);
      const fn = vars.resolve(pair.value, doc);
      for (const item of vars.list(vars.get(fn, 'events')) ?? []) {
        if (!isMap(item.node)) continue;
        for (const kind of ['http', 'httpApi'] as const) {
          const key = item.node.byKey.get(kind);
          if (!key) continue;
          events.push({ fn: pair.key, kind, key, doc: item.doc, value: vars.resolve(key.value, item.doc), span: vars.spanKey(item.doc, key) });
        }
      }
    }
  }
  return { vars, root, provider, label, functionNames, events };
}
