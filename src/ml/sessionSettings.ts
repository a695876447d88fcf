import { PACE_SCHEMA, TRAINING_SCHEMA, type Hyperparams } from './hyperparams';
import { checkAll, checkParam, checkValues } from './schema';
import { scheduledLearningRate } from './schedules';

/**
 * A training session's settings: the one copy of the hyperparameters and the pace on the worker
 * side. Every value is checked against its schema on the way in; changes are queued and applied
 * between steps, so a step never sees half a change.
 */
export class SessionSettings {
  #values: Hyperparams;
  #queued: Partial<Hyperparams> = {};
  #stepsPerSecond = 0;

  /** Missing keys take TRAINING_SCHEMA's defaults; invalid values are clamped or replaced. */
  constructor(hyper: Record<string, unknown>, stepsPerSecond = 0) {
    this.#values = checkAll(TRAINING_SCHEMA, hyper).values;
    this.stepsPerSecond = stepsPerSecond;
  }

  /** The settings in force (queued changes show once applied). */
  get current(): Readonly<Hyperparams> {
    return this.#values;
  }

  /** The latest checked settings, queued changes included: what the next step will use. */
  get requested(): Hyperparams {
    return { ...this.#values, ...this.#queued };
  }

  /** Checks and queues changes; returns the messages for values that were rejected or clamped. */
  queue(raw: Record<string, unknown>): string[] {
    const { values, messages } = checkValues(TRAINING_SCHEMA, raw);
    Object.assign(this.#queued, values);
    return messages;
  }

  /** Applies the queued changes; returns the ones that changed a value, or null when none did. */
  applyQueued(): Partial<Hyperparams> | null {
    const changes = this.#queued;
    const keys = Object.keys(changes) as (keyof Hyperparams)[];
    if (keys.length === 0) return null;
    this.#queued = {};
    const effective: Partial<Hyperparams> = {};
    for (const key of keys) {
      if (this.#values[key] !== changes[key]) (effective as Record<string, unknown>)[key] = changes[key];
    }
    Object.assign(this.#values, changes);
    return Object.keys(effective).length > 0 ? effective : null;
  }

  /** The schedule's learning rate at `step`. */
  learningRateAt(step: number, stepsPerEpoch: number): number {
    const { epochs, schedule, learningRate } = this.#values;
    const totalSteps = epochs > 0 ? epochs * stepsPerEpoch : Infinity;
    return scheduledLearningRate(schedule, learningRate, step, stepsPerEpoch, totalSteps);
  }

  /** 0 = as fast as possible. Checked against PACE_SCHEMA: out-of-range values are clamped. */
  set stepsPerSecond(rate: number) {
    this.#stepsPerSecond = checkParam(PACE_SCHEMA.stepsPerSecond, rate).value;
  }
  get stepsPerSecond(): number {
    return this.#stepsPerSecond;
  }
}
