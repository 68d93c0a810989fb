/** The browser CORS simulator: `simulate(route, request)`, route selection, and its story. */
export { simulate } from './simulate.js';
export { selectRoute, targetFromUrl, type RequestTarget, type Selection } from './select.js';
export { formatStory, simulationJson, type StoryContext } from './story.js';
export { ENGINES, enginesFor, type EngineName, type EngineProfile, type Mode } from './engines.js';
export type { BackendAssumption, PredictedResponse, PredictedHeader } from './response.js';
export type { EngineRun, FailedCheck, SimOptions, SimRequest, Simulation, Step, Verdict } from './types.js';
