import type { KernelExports } from './kernels/instantiate';

/**
 * A second thread for the SIMD kernels (wasmSimdKernels.ts). tfjs-backend-wasm's threads serve
 * XNNPACK's kernels only; ours ran on the training thread alone, so with two threads half of each
 * training step (the conv layers' backward pass) used one core. The kernel helper is a worker
 * with the same kernels on the same heap (the threaded build's memory is shared): a kernel call
 * hands it half of the batch through a small shared control block, computes the other half, and
 * waits for it. It is synchronous, as a tfjs kernel must be: `Atomics.wait`, which only a worker
 * may call. The two halves write disjoint parts of the output, or, for the sums over the batch
 * (the filter and bias gradients), the helper writes its partial sums apart and they are added.
 *
 * The helper spins a moment after each job before it sleeps, since a step's kernels come a few
 * hundred microseconds apart; the caller spins while the helper finishes, then sleeps. A helper
 * that does not answer within a few seconds is dropped: its share is computed by the caller.
 */

/** The control block's Int32 slots: the request and done counters, ready, the job, its arguments. */
const REQUEST = 0;
const DONE = 1;
const READY = 2;
const JOB = 3;
const ARGS = 4;
const MAX_ARGS = 16;
export const CONTROL_BYTES = (ARGS + MAX_ARGS) * 4;

export const JOBS = ['poolGradient', 'convFilterGradient', 'convInputGradient'] as const;
export type JobName = (typeof JOBS)[number];

/** How long the helper spins for the next job, and the caller for the helper, before sleeping (ms). */
const HELPER_SPIN_MS = 0.5;
const CALLER_SPIN_MS = 5;
/** A helper silent this long has failed. */
const TIMEOUT_MS = 3000;

/**
 * The helper's side, run by the helper worker once its kernels are bound to the shared heap:
 * serves jobs until the worker is terminated. Never returns.
 */
export function serveKernelJobs(control: SharedArrayBuffer, kernels: KernelExports, now: () => number = () => performance.now()): void {
  const slots = new Int32Array(control);
  let last = Atomics.load(slots, REQUEST);
  Atomics.store(slots, READY, 1);
  Atomics.notify(slots, READY);
  for (;;) {
    const spinUntil = now() + HELPER_SPIN_MS;
    while (Atomics.load(slots, REQUEST) === last) {
      if (now() > spinUntil) Atomics.wait(slots, REQUEST, last, 1000);
    }
    last = Atomics.load(slots, REQUEST);
    const args = Array.from(slots.subarray(ARGS, ARGS + MAX_ARGS));
    const job = kernels[JOBS[slots[JOB]]] as (...a: number[]) => void;
    try {
      job(...args);
    } finally {
      Atomics.store(slots, DONE, last);
      Atomics.notify(slots, DONE);
    }
  }
}

/** The caller's side: one helper, through its control block. */
export class KernelHelperLink {
  readonly control: SharedArrayBuffer;
  #slots: Int32Array;
  #seq = 0;
  #failed = false;

  constructor(control = new SharedArrayBuffer(CONTROL_BYTES)) {
    this.control = control;
    this.#slots = new Int32Array(control);
  }

  /** Whether the helper has bound its kernels and answers. */
  get ready(): boolean {
    return !this.#failed && Atomics.load(this.#slots, READY) === 1;
  }

  /**
   * Starts `job(...args)` on the helper, runs `own` here meanwhile, then waits for the helper.
   * False when the helper did not answer (it is given up; the caller must do its share).
   */
  split(job: JobName, args: number[], own: () => void): boolean {
    const slots = this.#slots;
    if (args.length > MAX_ARGS) throw new Error(`A helper job takes at most ${MAX_ARGS} arguments.`);
    slots[JOB] = JOBS.indexOf(job);
    args.forEach((a, i) => (slots[ARGS + i] = a));
    const seq = ++this.#seq;
    Atomics.store(slots, REQUEST, seq);
    Atomics.notify(slots, REQUEST);
    own();
    const start = performance.now();
    for (;;) {
      const done = Atomics.load(slots, DONE);
      if (done === seq) return true;
      const waited = performance.now() - start;
      if (waited > TIMEOUT_MS) {
        this.#failed = true;
        return false;
      }
      if (waited > CALLER_SPIN_MS) Atomics.wait(slots, DONE, done, 100);
    }
  }
}
