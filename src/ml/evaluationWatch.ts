// The guard's second pair of eyes: reads the evaluations, not the batch losses, for the two ways a
// run goes wrong without blowing up. A collapse (accuracy falls to chance and the loss to what an
// untrained model scores, and stays there) pauses the run; instability (the held-out loss jumping
// up and down instead of falling) only warns. Pure: it sees numbers, not tensors.

export type Verdict = { kind: 'collapse'; chance: number; untrainedLoss: number; accuracy: number; loss: number } | { kind: 'unstable' } | null;

export interface WatchedEvaluation {
  valLoss?: number;
  valAccuracy?: number;
  /** How far training has got (a run that never learnt is judged only after a full epoch). */
  epoch?: number;
}

/** Evaluations at chance in a row before a collapse is called. */
const COLLAPSE_RUN = 3;
/** Recent evaluations instability is judged over, and the direction changes that make it unstable. */
const WINDOW = 7;
const TURNS = 4;
/** A loss up to this many times an untrained model's still counts as "at" it. */
const UNTRAINED_MARGIN = 1.25;
/** Swings smaller than this share of the run's first held-out loss are noise, however large relative to a loss near 0. */
const NOISE_FLOOR = 0.02;

export class EvaluationWatch {
  readonly #chance: number | null;
  readonly #untrainedLoss: number | null;
  #best = -Infinity;
  #atChance: WatchedEvaluation[] = [];
  #losses: number[] = [];
  #firstLoss: number | null = null;

  /** `classes`: how many classes the model tells apart (2 for a sigmoid output), or null for regression. */
  constructor(classes: number | null) {
    this.#chance = classes && classes >= 2 ? 1 / classes : null;
    this.#untrainedLoss = classes && classes >= 2 ? Math.log(classes) : null;
  }

  /** The best validation accuracy seen so far (−Infinity before any). */
  get bestAccuracy(): number {
    return this.#best;
  }

  observe(e: WatchedEvaluation): Verdict {
    const collapse = this.#collapse(e);
    if (collapse) return collapse;
    return this.#unstable(e.valLoss) ? { kind: 'unstable' } : null;
  }

  #collapse(e: WatchedEvaluation): Verdict {
    const chance = this.#chance;
    const untrained = this.#untrainedLoss;
    if (chance === null || untrained === null || e.valAccuracy === undefined || e.valLoss === undefined) return null;
    // At an untrained model's loss, not far above it: a run whose loss swings to several times
    // that is unstable (warned about, training goes on), not collapsed.
    const atChance = e.valAccuracy <= chance + 0.05 && e.valLoss >= 0.97 * untrained && e.valLoss <= UNTRAINED_MARGIN * untrained;
    this.#best = Math.max(this.#best, e.valAccuracy);
    if (!atChance) {
      this.#atChance = [];
      return null;
    }
    this.#atChance.push(e);
    if (this.#atChance.length < COLLAPSE_RUN) return null;
    // A slow but healthy run also starts at chance: it is only a collapse if the model had done
    // clearly better, or if the loss is not coming down at all.
    const first = this.#atChance[0];
    const hadDoneBetter = this.#best >= chance + 0.2;
    const stuck = e.valLoss >= first.valLoss! * 0.99 && (e.epoch ?? 0) - (first.epoch ?? 0) >= 1;
    if (!hadDoneBetter && !stuck) return null;
    return { kind: 'collapse', chance, untrainedLoss: untrained, accuracy: e.valAccuracy, loss: e.valLoss };
  }

  /** The held-out loss changed direction again and again by large steps, and is not at its best. */
  #unstable(loss: number | undefined): boolean {
    if (loss === undefined || !Number.isFinite(loss)) return false;
    this.#firstLoss ??= loss;
    const floor = NOISE_FLOOR * this.#firstLoss;
    this.#losses = [...this.#losses, loss].slice(-WINDOW);
    const l = this.#losses;
    if (l.length < WINDOW) return false;
    let turns = 0;
    for (let i = 1; i + 1 < l.length; i++) {
      const up = l[i] > l[i - 1];
      const nextUp = l[i + 1] > l[i];
      const step = Math.abs(l[i + 1] - l[i]);
      const big = step > 0.2 * Math.min(l[i], l[i + 1]) && step > floor;
      if (up !== nextUp && big) turns++;
    }
    return turns >= TURNS && loss > Math.min(...l);
  }
}
