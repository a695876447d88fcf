// Every widget a lesson can embed, by the name used in its ```widget block. Imports are lazy so a
// lesson's text appears at once and heavy code (tfjs, the data) loads only when a widget needs it.
import type { Component } from 'svelte';

export type WidgetLoader = () => Promise<{ default: Component<any> }>;

export const widgetRegistry: Map<string, WidgetLoader> = new Map<string, WidgetLoader>([
  ['mnist-trainer', () => import('./digits/MnistTrainer.svelte')],
  ['line-fitter', () => import('./line/LineFitter.svelte')],
  ['curve-fitter', () => import('./toy/CurveFitter.svelte')],
  ['classifier-playground', () => import('./toy/ClassifierPlayground.svelte')],
  ['kernel-explorer', () => import('./cnn/KernelExplorer.svelte')],
  ['cnn-inspector', () => import('./cnn/CnnInspector.svelte')],
  ['digit-baseline', () => import('./digits/DigitBaseline.svelte')],
  ['abstraction-ladder', () => import('./ladder/AbstractionLadder.svelte')],
  ['error-analysis', () => import('./digits/ErrorAnalysis.svelte')],
  ['own-classifier', () => import('./own/OwnClassifier.svelte')],
  ['overfitting-lab', () => import('./digits/OverfittingLab.svelte')],
  ['code-cell', () => import('./cells/CodeCell.svelte')],
]);
