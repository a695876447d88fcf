import { describe, expect, it } from 'vitest';
import { requestedWasmParts } from '../../../src/widgets/trainer/speedupsSwitch';
import { NO_WASM_PARTS } from '../../../src/ml/wasm/parts';

describe('?wasm-speedups', () => {
  it('leaves every part on without it, turns all off with "off", and single parts off by name', () => {
    expect(requestedWasmParts('')).toBeUndefined();
    expect(requestedWasmParts('?wasm-speedups=off')).toEqual(NO_WASM_PARTS);
    expect(requestedWasmParts('?wasm-speedups=-simdKernels,-hostAdam')).toEqual({ simdKernels: false, hostAdam: false });
  });

  it('ignores what it does not know', () => {
    expect(requestedWasmParts('?wasm-speedups=-nonsense')).toBeUndefined();
    expect(requestedWasmParts('?wasm-speedups=-__proto__,-matMul')).toEqual({ matMul: false });
    expect(requestedWasmParts('?other=off')).toBeUndefined();
  });
});
