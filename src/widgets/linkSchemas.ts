// The settings schema each widget's shared link is read through, by the name lessons embed it with
// (registry.ts). Each widget imports its own schema; this table exists so the tests can check
// that every widget has one and that each round-trips through a link.
import type { Schema } from '../ml/schema';
import { LINE_FITTER_SCHEMA } from '../ml/lineFit';
import { CURVE_FITTER_SCHEMA } from '../ml/curveFitting';
import { PLAYGROUND_SCHEMA } from '../ml/classifierPlayground';
import { OVERFITTING_SCHEMA } from '../ml/overfitting';
import { LADDER_SCHEMA } from '../ml/ladder/ladder';
import { OWN_CLASSIFIER_LINK_SCHEMA } from '../ml/ownClassifier';
import { CNN_INSPECTOR_LINK_SCHEMA, KERNEL_EXPLORER_LINK_SCHEMA } from './cnn/cnnLinkSchemas';
import { DIGIT_BASELINE_LINK_SCHEMA, ERROR_ANALYSIS_LINK_SCHEMA, MNIST_TRAINER_LINK_SCHEMA } from './digits/digitLinkSchemas';

export const WIDGET_LINK_SCHEMAS: ReadonlyMap<string, Schema> = new Map<string, Schema>([
  ['mnist-trainer', MNIST_TRAINER_LINK_SCHEMA],
  ['line-fitter', LINE_FITTER_SCHEMA],
  ['curve-fitter', CURVE_FITTER_SCHEMA],
  ['classifier-playground', PLAYGROUND_SCHEMA],
  ['kernel-explorer', KERNEL_EXPLORER_LINK_SCHEMA],
  ['cnn-inspector', CNN_INSPECTOR_LINK_SCHEMA],
  ['digit-baseline', DIGIT_BASELINE_LINK_SCHEMA],
  ['abstraction-ladder', LADDER_SCHEMA],
  ['error-analysis', ERROR_ANALYSIS_LINK_SCHEMA],
  ['own-classifier', OWN_CLASSIFIER_LINK_SCHEMA],
  ['overfitting-lab', OVERFITTING_SCHEMA],
]);

/**
 * Widgets with no settings in a link of their own: a code cell's code travels under `cell.<id>`
 * (cells/cellLink.ts), read by the cell itself, not through a schema.
 */
export const WIDGETS_WITHOUT_LINK_SCHEMA: ReadonlySet<string> = new Set(['code-cell']);
