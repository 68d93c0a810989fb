/** Facts the model helpers keep on routes and responders (src/model/query.ts): reused, invisible, and started over when the model changes. */
import { describe, expect, it } from 'vitest';
import { headersNamed, preflightResponder, routeFacts } from '../src/model/query.js';
import { header, responder, route } from './helpers/sim-model.js';

const ACAO = 'access-control-allow-origin';

describe('route facts and header indexes', () => {
  it('are kept for the next question without changing what the route looks like', () => {
    const r = route([responder({ methods: ['OPTIONS'], headers: [header('Access-Control-Allow-Origin', '*')] }), responder()]);
    const json = JSON.stringify(r);
    const copy = structuredClone(r);
    const facts = routeFacts(r);
    expect(routeFacts(r)).toBe(facts);
    expect(headersNamed(r.responders[0]!, ACAO)).toBe(headersNamed(r.responders[0]!, ACAO));
    expect(JSON.stringify(r)).toBe(json);
    expect(Object.keys(r)).toEqual(Object.keys(copy));
    expect(Object.keys(r.responders[0]!)).toEqual(Object.keys(copy.responders[0]!));
    expect(r).toEqual(copy);
    // a copy starts without them
    expect(routeFacts({ ...r })).not.toBe(facts);
  });

  it('start over when responders or headers are replaced or grow', () => {
    const r = route([responder()]);
    expect(preflightResponder(r)).toBe(r.responders[0]);
    const options = responder({ methods: ['OPTIONS'] });
    r.responders.unshift(options);
    expect(preflightResponder(r)).toBe(options);
    r.responders = [responder({ methods: ['GET'] })];
    expect(preflightResponder(r)).toBeUndefined();

    const res = responder();
    expect(headersNamed(res, ACAO)).toHaveLength(0);
    res.headers.push(header('access-control-allow-origin', '*'));
    expect(headersNamed(res, ACAO)).toHaveLength(1);
  });

  it('work on frozen routes and responders', () => {
    const res = Object.freeze(responder({ headers: [header('Access-Control-Allow-Origin', '*')] }));
    const r = Object.freeze(route([res]));
    const facts = routeFacts(r);
    expect(routeFacts(r)).toBe(facts);
    expect(headersNamed(res, ACAO)).toHaveLength(1);
    expect(headersNamed(res, ACAO)).toBe(headersNamed(res, ACAO));
  });
});
