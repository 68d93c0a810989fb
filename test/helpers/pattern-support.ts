// Unit tests call rules, the simulator and origin helpers directly, without the engine's
// loadSources (which loads the lazy origin-pattern chunk when routes need it): load it once here.
import { loadPatternSupport } from '../../src/model/patterns.js';

await loadPatternSupport();
