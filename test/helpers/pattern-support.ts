// Unit tests call rules, the simulator and origin helpers directly, without the engine's
// loadSources/lintFiles (which load the lazy origin-pattern chunk and, when a pattern needs it,
// the automaton chunk): load both once here.
import { loadAllPatternSupport } from '../../src/model/patterns.js';

await loadAllPatternSupport();
