// The widgets a lesson can embed, as plain data with no component imports, so the build-time
// lesson compiler can check names without loading Svelte. widgets/registry.ts maps the same names
// to their code; tests/app/widgetNames.test.ts keeps the two lists equal.
export const widgetNames: ReadonlySet<string> = new Set([
  'mnist-trainer',
  'line-fitter',
  'curve-fitter',
  'classifier-playground',
]);
