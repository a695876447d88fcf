import { describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/tf';
import { NO_WASM_PARTS, wasmPartsInUse } from '../../src/ml/wasm';
import { BackendStarter } from '../../src/worker/BackendStarter';

describe('BackendStarter', () => {
  it('starts the backend the learner chose, proves it computes, and puts the speed-ups in place', async () => {
    const info = await new BackendStarter().setup('cpu', () => {});
    expect(info).toMatchObject({ name: 'cpu', threads: 1, reason: 'You chose plain JavaScript.', failed: [] });
    expect(tf.getBackend()).toBe('cpu');
    // The parts that serve cpu (its tensors are in ordinary memory) run once installWasm has run.
    expect(wasmPartsInUse()).toEqual({ ...NO_WASM_PARTS, hostAdam: true, hostLoss: true });
  });
});
