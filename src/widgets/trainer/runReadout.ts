// What the trainer says about where a run stands: the epoch read-out, the epoch target (which
// grows when the learner trains more), the finished line, and how far "getting ready" has come.
// Pure and DOM-free, so each rule is tested on its own.

// The epoch target the session aims at is mirrored on the page (the worker does not report it),
// following the session's rules: Train after the target was met aims `epochs` further; an epochs
// change applied while training aims at max(the next whole epoch, the new count). A target of 0
// means "not trained yet" (the settings' count applies); Infinity means "until paused".

/** The epoch count aimed at now: the run's target, or before any training the settings' count. */
export function aimedEpochs(target: number, epochs: number): number {
  if (target > 0) return target;
  return epochs > 0 ? epochs : Infinity;
}

/** The target once Train is pressed at `epoch` (fractional epochs done) with `epochs` in the settings. */
export function targetAfterTrain(target: number, epoch: number, epochs: number): number {
  if (target > wholeEpochs(epoch)) return target;
  return epochs > 0 ? wholeEpochs(epoch) + epochs : Infinity;
}

/** The target once an epochs change to `epochs` was applied with the run at `epoch`. */
export function targetAfterEpochsChange(target: number, epoch: number, epochs: number): number {
  if (target === 0) return 0; // not started: the settings' count is the target
  return epochs > 0 ? Math.max(wholeEpochs(epoch) + 1, epochs) : Infinity;
}

/** Whole epochs done at a fractional epoch (3.0000001 is 3, 2.9999999 is 3: float noise). */
export function wholeEpochs(epoch: number): number {
  return Math.floor(epoch + 1e-6);
}

/** "1.25 / 3": the epoch reached, never past the target; "1.25 / ∞" when training until paused. */
export function epochReadout(epoch: number, target: number): string {
  const shown = Number.isFinite(target) ? Math.min(Math.max(epoch, 0), target) : Math.max(epoch, 0);
  return `${shown.toFixed(2)} / ${Number.isFinite(target) ? target : '∞'}`;
}

/** Fraction of the target done (0…1), or null when there is no finite target. */
export function epochFraction(epoch: number, target: number): number | null {
  if (!Number.isFinite(target) || target <= 0) return null;
  return Math.min(1, Math.max(0, epoch / target));
}

/** "Finished 3 epochs: 97.4 % validation accuracy." */
export function finishedSummary(epochs: number, valAccuracy: number | undefined): string {
  const count = Math.round(epochs);
  const done = `Finished ${count.toLocaleString('en')} ${count === 1 ? 'epoch' : 'epochs'}`;
  return valAccuracy === undefined || !Number.isFinite(valAccuracy) ? `${done}.` : `${done}: ${(valAccuracy * 100).toFixed(1)} % validation accuracy.`;
}

/** "Train 3 more epochs" / "Train 1 more epoch". */
export function trainMoreLabel(epochs: number): string {
  return `Train ${epochs} more ${epochs === 1 ? 'epoch' : 'epochs'}`;
}

/** Bytes of a download so far, and in all (0 when the server did not say). */
export interface DownloadProgress {
  received: number;
  total: number;
}

export type ReadyStage = 'engine' | 'download' | 'model';

/**
 * Getting ready as one bar: starting the engine is the first quarter, the digits' download the
 * next 65 % (by bytes), unpacking them and building the model the last 10 %. The shares are rough
 * (they depend on the network); what matters is that the bar moves and never goes back.
 */
export function readyFraction(stage: ReadyStage, download: DownloadProgress | null): number {
  if (stage === 'engine') return 0;
  if (stage === 'model') return 0.9;
  if (!download || download.total <= 0) return 0.25;
  return 0.25 + 0.65 * Math.min(1, download.received / download.total);
}

/** What the getting-ready bar says, e.g. "Downloading the digits (0.8 of 1.6 MB)". */
export function readyLabel(stage: ReadyStage, download: DownloadProgress | null): string {
  if (stage === 'engine') return 'Starting the training engine';
  if (stage === 'model') return 'Unpacking the digits and building the model';
  if (!download) return 'Loading the data';
  if (download.received === 0) return 'Downloading 10,000 handwritten digits';
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  return download.total > 0 ? `Downloading the digits (${mb(download.received)} of ${mb(download.total)} MB)` : `Downloading the digits (${mb(download.received)} MB)`;
}

/** "42 %". */
export function percentText(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)} %`;
}

/** An accuracy as the widgets show it, "97.3 %", or "—" while there is none. */
export function accuracyText(fraction: number | null | undefined): string {
  return fraction === undefined || fraction === null ? '—' : `${(fraction * 100).toFixed(1)} %`;
}
