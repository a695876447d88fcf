// The three rungs by name, for the worker and the tests (the page shows their source instead).
import type { LadderRung, LadderRungName } from './ladder';
import { trainWithRawTensors } from './rawTensors';
import { trainWithMinimize } from './minimize';
import { trainWithFit } from './fit';

export const LADDER_RUNG_CODE: ReadonlyMap<LadderRungName, LadderRung> = new Map<LadderRungName, LadderRung>([
  ['rawTensors', trainWithRawTensors],
  ['minimize', trainWithMinimize],
  ['fit', trainWithFit],
]);
