// The widgets a lesson can embed, as plain data with no component imports, so the build-time
// lesson compiler can check names without loading Svelte. widgets/registry.ts maps the same names
// to their code; tests/app/widgetNames.test.ts keeps the two lists equal.

/** The height in px of a loaded widget inside its card (WidgetHost's padding not included). */
export interface ReservedHeight {
  /** Wider than 40rem: measured at 1280 px, where the lesson column is at its full width. */
  wide: number;
  /** 40rem and narrower, where the widget spans the screen and its parts stack: measured at 375 px. */
  narrow: number;
}

interface Reservation extends ReservedHeight {
  /** For a widget whose `mode` prop changes what it shows: the heights per mode. */
  byMode?: Readonly<Record<string, ReservedHeight>>;
}

/**
 * Kept free while a widget's code loads, so the text below does not jump when the widget appears
 * (Lighthouse counted that jump as a layout shift of 0.19–0.21 on lesson 1). Measured in headless
 * Chromium on the built app with each lesson's settings, right after the widget loads; re-measure
 * when a widget's layout changes (tests/app/widgetNames.test.ts says how).
 */
const reservations: Readonly<Record<string, Reservation>> = {
  'mnist-trainer': { wide: 1564, narrow: 2754 },
  // Mode "both" is the default; "descent" opens the loss chart, lesson 3's setting.
  'line-fitter': { wide: 804, narrow: 1055, byMode: { descent: { wide: 944, narrow: 1170 } } },
  'curve-fitter': { wide: 1119, narrow: 1157 },
  'classifier-playground': { wide: 929, narrow: 1415 },
  'kernel-explorer': { wide: 717, narrow: 1215 },
  'cnn-inspector': { wide: 1087, narrow: 1585 },
  'digit-baseline': { wide: 698, narrow: 1078 },
  'abstraction-ladder': { wide: 1701, narrow: 2130 },
  'error-analysis': { wide: 939, narrow: 1379 },
  // Measured with no saved drawings (a first visit); saved ones add rows of thumbnails.
  'own-classifier': { wide: 1200, narrow: 1786 },
  'overfitting-lab': { wide: 1065, narrow: 1213 },
  // A cell's height follows its code (codeCellHeight, below); this is for a cell without code.
  'code-cell': { wide: 520, narrow: 600 },
};

export const widgetNames: ReadonlySet<string> = new Set(Object.keys(reservations));

/** The room to keep for widget `name` shown with the lesson's `props`; undefined for an unknown widget. */
export function reservedHeight(name: string, props: Readonly<Record<string, unknown>>): ReservedHeight | undefined {
  if (!Object.hasOwn(reservations, name)) return undefined;
  if (name === 'code-cell' && typeof props.code === 'string') return codeCellHeight(props.code);
  const { byMode, wide, narrow } = reservations[name];
  const mode = props.mode;
  if (byMode && typeof mode === 'string' && Object.hasOwn(byMode, mode)) return byMode[mode];
  return { wide, narrow };
}

/**
 * A code cell is as tall as its code, whose long lines wrap: rows at about 80 characters wide and
 * 36 narrow. Fitted to the five lessons' cells measured in headless Chromium (2026-12-07; within
 * 30 px wide and 45 px narrow of each).
 */
function codeCellHeight(code: string): ReservedHeight {
  const rows = (columns: number) => code.split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / columns)), 0);
  return { wide: Math.round(176 + 23.8 * rows(80)), narrow: Math.round(632 + 13.8 * rows(36)) };
}
