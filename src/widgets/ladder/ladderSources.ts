// The ladder's code as the lesson shows it: the very files the worker runs (src/ml/ladder/),
// imported as text. One source, so what the learner reads is what trains.
import type { LadderRungName } from '../../ml/ladder/ladder';
import rawTensors from '../../ml/ladder/rawTensors.ts?raw';
import minimize from '../../ml/ladder/minimize.ts?raw';
import fit from '../../ml/ladder/fit.ts?raw';

export const LADDER_SOURCES: Readonly<Record<LadderRungName, string>> = { rawTensors, minimize, fit };
