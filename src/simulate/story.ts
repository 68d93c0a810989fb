/** Prints a simulation: the step-by-step story (text) or the JSON contract of `corslint simulate`. */
import { relative } from 'node:path';
import pc from 'picocolors';
import type { Span } from '../model/types.js';
import { ENGINES } from './engines.js';
import type { EngineRun, SimRequest, Simulation, Step } from './types.js';

export interface StoryContext {
  request: SimRequest;
  /** how the route was chosen */
  selection: string[];
  cwd: string;
  color: boolean;
}

function where(span: Span | undefined, cwd: string): string {
  if (!span) return '';
  const file = span.file.startsWith('/') ? relative(cwd, span.file) || span.file : span.file;
  return `${file}:${span.line}`;
}

function describeRequest(req: SimRequest): string {
  const parts = [`${req.method} ${req.url ?? ''}`.trim()];
  parts.push(req.origin === undefined ? 'without an Origin' : `from ${req.origin}`);
  const extras: string[] = [];
  if (req.credentials) extras.push("credentials: 'include'");
  for (const h of req.headers) extras.push(`${h.name}: ${h.value}`);
  return `${parts.join(' ')}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

function engineList(runs: EngineRun[], verdict: string): string {
  return runs.filter((r) => r.verdict === verdict).map((r) => ENGINES[r.engine].label).join(', ');
}

export function formatStory(sim: Simulation, ctx: StoryContext): string {
  const c = ctx.color ? pc : { red: (s: string) => s, green: (s: string) => s, yellow: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s };
  const out: string[] = [];
  const modeText = sim.mode === 'spec' ? 'the Fetch standard' : 'Chrome, Firefox and Safari';
  out.push(c.bold(`${describeRequest(ctx.request)}  [${modeText}]`));
  if (sim.route) {
    // a template or module read through a nested stack or a module call: which one (the steps' lines are in the same file)
    const via = sim.route.span.via === undefined ? '' : ` (in ${sim.route.span.via})`;
    out.push(`Route: ${sim.route.name}  ${c.dim(where(sim.route.span, ctx.cwd) + via)}`);
  }
  for (const reason of ctx.selection) out.push(c.dim(`  ${reason}`));
  out.push('');
  const run = sim.primary;
  if (sim.mode === 'browsers' && sim.runs.some((r) => r.verdict !== run.verdict || r.preflightSent !== run.preflightSent)) {
    out.push(c.yellow(`Engines differ; the story below is ${ENGINES[run.engine].label}'s.`));
  }
  let n = 0;
  for (const step of run.steps) {
    if (step.check === 'route' && step.phase === 'request') continue;
    n++;
    const mark = step.result === 'pass' ? c.green('✓') : step.result === 'fail' ? c.red('✗') : step.result === 'unknown' ? c.yellow('?') : c.dim('·');
    const loc = where(step.span, ctx.cwd);
    out.push(`${String(n).padStart(3)}. ${mark} ${step.message}${loc ? `  ${c.dim(loc)}` : ''}`);
  }
  out.push('');
  if (sim.verdict === 'allowed') {
    out.push(c.green(c.bold(`Allowed${sim.mode === 'browsers' ? ' in Chrome, Firefox and Safari' : ' by the Fetch standard'}.`)));
  } else if (sim.verdict === 'blocked') {
    const engines = sim.mode === 'browsers' ? ` in ${engineList(sim.runs, 'blocked')}` : '';
    const allowedIn = sim.mode === 'browsers' ? engineList(sim.runs, 'allowed') : '';
    out.push(c.red(c.bold(`Blocked${engines} (${sim.failedCheck}): ${run.failure?.message ?? ''}`)) + (allowedIn ? ` ${c.dim(`(allowed in ${allowedIn})`)}` : ''));
    if (run.failure?.span) out.push(`  at ${where(run.failure.span, ctx.cwd)}`);
  } else {
    out.push(c.yellow(c.bold('Unknown: the configuration does not decide this request.')));
    for (const u of run.unknowns) out.push(`  - ${u.reason}${u.span ? `  ${c.dim(where(u.span, ctx.cwd))}` : ''}`);
  }
  if (run.fix) out.push(`Fix: ${relativize(run.fix, ctx.cwd)}`);
  return `${out.join('\n')}\n`;
}

/** Fix texts name absolute files; print them relative to the working directory. */
function relativize(text: string, cwd: string): string {
  return text.split(`${cwd}/`).join('');
}

function stepJson(step: Step, cwd: string): Record<string, unknown> {
  const s: Record<string, unknown> = { phase: step.phase, check: step.check, result: step.result, message: step.message };
  if (step.failedCheck) s.failedCheck = step.failedCheck;
  if (step.span) {
    s.file = step.span.file.startsWith('/') ? relative(cwd, step.span.file) || step.span.file : step.span.file;
    s.line = step.span.line;
    s.column = step.span.column;
  }
  return s;
}

/** The `--format json` document: `allowed`, `preflightSent`, `route`, `failedCheck`, `steps` first. */
export function simulationJson(sim: Simulation, ctx: StoryContext): Record<string, unknown> {
  const rel = (s: Span) => (s.file.startsWith('/') ? relative(ctx.cwd, s.file) || s.file : s.file);
  return {
    allowed: sim.allowed,
    preflightSent: sim.preflightSent,
    route: sim.route ? { file: rel(sim.route.span), line: sim.route.span.line, ...(sim.route.span.via === undefined ? {} : { via: sim.route.span.via }) } : null,
    failedCheck: sim.failedCheck,
    steps: sim.primary.steps.map((s) => stepJson(s, ctx.cwd)),
    verdict: sim.verdict,
    mode: sim.mode,
    engine: sim.primary.engine,
    routeName: sim.route?.name ?? null,
    selection: ctx.selection,
    unknown: sim.primary.unknowns.map((u) => (u.span ? { reason: u.reason, file: rel(u.span), line: u.span.line } : { reason: u.reason })),
    fix: sim.primary.fix ? relativize(sim.primary.fix, ctx.cwd) : null,
    engines: Object.fromEntries(sim.runs.map((r) => [r.engine, { verdict: r.verdict, preflightSent: r.preflightSent, failedCheck: r.failedCheck, ...(r.preflightCacheSeconds !== undefined ? { preflightCacheSeconds: r.preflightCacheSeconds } : {}) }])),
  };
}
