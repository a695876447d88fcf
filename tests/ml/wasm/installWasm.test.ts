// The seam (src/ml/wasm/index.ts): one install call, one switch per part. Every part off is tfjs's
// plain path and still trains; every part on, or any one alone, gives tfjs's own results; kernels
// are registered once, for wasm alone.
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tf } from '../../../src/ml/tf';
import { ALL_WASM_PARTS, HostAdam, installWasm, NO_WASM_PARTS, registerTrainingKernels, WASM_PARTS, wasmPartsInUse, type WasmParts } from '../../../src/ml/wasm';
import { buildModel } from '../../../src/ml/models';
import { MNIST_PRESETS } from '../../../src/ml/modelSpec';
import { createOptimizer, disposeOptimizer } from '../../../src/ml/optimizers';
import { forwardForTraining, trainStep } from '../../../src/ml/trainStep';
import { gatherBatch } from '../../../src/ml/examples';
import type { TrainingData } from '../../../src/ml/trainingTypes';
import { digitsTask, useCpu, useWasm } from '../helpers';

type Registry = Map<string, tf.KernelConfig>;
const kernelsOf = (backend: string): Registry => new Map(tf.getKernelsForBackend(backend).map((k) => [k.kernelName, k]));

/** Each config of `now` is the very object of `then`, and no kernel was added or taken away. */
function expectSameRegistry(now: Registry, then: Registry): void {
  expect([...now.keys()].sort()).toEqual([...then.keys()].sort());
  const replaced = [...then].filter(([name, config]) => now.get(name) !== config).map(([name]) => name);
  expect(replaced).toEqual([]);
}

/** Records the gradients trainStep hands its optimizer, in the model's weight order, and changes nothing. */
class GradientRecorder extends tf.Optimizer {
  gradients: Float32Array[] = [];
  constructor(private readonly order: string[]) {
    super();
  }
  override applyGradients(gradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const named = gradients as tf.NamedTensorMap;
    this.gradients = this.order.map((name) => named[name].dataSync().slice() as Float32Array);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

describe('installWasm', () => {
  // What the tfjs packages registered, before Gradient Lab installed anything.
  const tfjs: { wasm: Registry; cpu: Registry; webgl: Registry; webgpu: Registry; gradients: Record<string, tf.GradConfig> } = {} as never;
  const warn = vi.spyOn(console, 'warn');
  /** No "The kernel '…' for backend '…' is already registered" since the test began. */
  const expectNoReregistration = () => expect(warn.mock.calls.flat().join('\n')).not.toMatch(/already registered/);

  let data: TrainingData;
  let batch: { xs: Float32Array; ys: Int32Array };
  let weights: Float32Array[];
  /** The digit CNN's output and gradients for one batch, through tfjs's own kernels on cpu. */
  let reference: { output: Float32Array; loss: number; gradients: Float32Array[] };

  /** One training pass of the digit CNN (lesson 1's weights) through trainStep on the current backend and parts. */
  function cnnPass(): typeof reference {
    const before = tf.memory().numTensors;
    const model = buildModel(MNIST_PRESETS.cnn, [28, 28, 1], 10);
    tf.tidy(() => model.setWeights(weights.map((w, i) => tf.tensor(w, model.weights[i].shape as number[]))));
    const recorder = new GradientRecorder(model.trainableWeights.map((w) => (w.read() as tf.Variable).name));
    const output = tf.tidy(() => forwardForTraining(model, tf.tensor(batch.xs, [batch.ys.length, 28, 28, 1])).dataSync().slice() as Float32Array);
    const { loss } = trainStep(model, recorder, data, batch);
    const result = { output, loss: loss.dataSync()[0], gradients: recorder.gradients };
    loss.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    return result;
  }

  const worst = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / Math.max(1, Math.abs(v))), 0);

  function expectReference(pass: typeof reference): void {
    expect(worst(reference.output, pass.output)).toBeLessThan(1e-4);
    expect(pass.loss).toBeCloseTo(reference.loss, 4);
    expect(pass.gradients).toHaveLength(reference.gradients.length);
    reference.gradients.forEach((g, i) => expect(worst(g, pass.gradients[i]), `weight ${i}`).toBeLessThan(1e-4));
  }

  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    for (const backend of ['wasm', 'cpu', 'webgl', 'webgpu'] as const) tfjs[backend] = kernelsOf(backend);
    tfjs.gradients = Object.fromEntries(['Conv2D', 'MaxPool'].map((name) => [name, tf.getGradient(name)]));
    expect(tfjs.wasm.size).toBeGreaterThan(100);
    expect(tfjs.webgl.size).toBeGreaterThan(100);

    warn.mockClear();
    await useCpu();
    installWasm(NO_WASM_PARTS);
    data = await digitsTask(256, 16);
    batch = gatherBatch(data, data.train, Int32Array.from({ length: 16 }, (_, i) => i)) as typeof batch;
    const model = buildModel(MNIST_PRESETS.cnn, [28, 28, 1], 10, 5);
    weights = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
    model.dispose();
    reference = cnnPass();
    installWasm(ALL_WASM_PARTS);
  });
  afterAll(async () => {
    installWasm(ALL_WASM_PARTS);
    await useCpu();
  });

  it('with every part off, wasm runs the very kernels and gradients tfjs registered, plus the filter gradient it lacks', async () => {
    await useWasm();
    installWasm(NO_WASM_PARTS);
    expect(wasmPartsInUse()).toEqual(NO_WASM_PARTS);
    const now = kernelsOf('wasm');
    const added = [...now.keys()].filter((name) => !tfjs.wasm.has(name)).sort();
    // What training needs, and the SIMD kernels under names of their own, which nothing runs while they are off.
    expect(added).toEqual(['Conv2DBackpropFilter', 'GradientLabAdam', 'GradientLabConvFilterGradient', 'GradientLabConvInputGradient', 'GradientLabPoolGradient']);
    const replaced = [...tfjs.wasm].filter(([name, config]) => now.get(name) !== config).map(([name]) => name);
    expect(replaced).toEqual([]);
    expect(tf.getGradient('Conv2D')).toBe(tfjs.gradients.Conv2D);
    expect(tf.getGradient('MaxPool')).toBe(tfjs.gradients.MaxPool);
  });

  it('with every part on, replaces wasm kernels only: cpu, WebGL and WebGPU keep the very kernels their packages registered', async () => {
    await useWasm();
    expect(installWasm(ALL_WASM_PARTS)).toEqual(ALL_WASM_PARTS);
    expect(wasmPartsInUse()).toEqual(ALL_WASM_PARTS);
    const now = kernelsOf('wasm');
    expect([...tfjs.wasm].filter(([name, config]) => now.get(name) !== config).map(([name]) => name).sort()).toEqual(['BatchMatMul', 'Identity']);
    for (const backend of ['cpu', 'webgl', 'webgpu'] as const) expectSameRegistry(kernelsOf(backend), tfjs[backend]);
    // tfjs keeps one gradient per kernel for every backend: the replacement hands the others to tfjs's own (see below).
    expect(tf.getGradient('Conv2D')).not.toBe(tfjs.gradients.Conv2D);
  });

  it('registers each kernel once: installing twice, after a backend switch, with switches turned and after the wasm backend restarts, tfjs never warns', async () => {
    await useWasm();
    installWasm(ALL_WASM_PARTS);
    installWasm(ALL_WASM_PARTS);
    installWasm();
    registerTrainingKernels();
    await useCpu();
    installWasm();
    await useWasm();
    installWasm(NO_WASM_PARTS);
    installWasm(NO_WASM_PARTS);
    installWasm({ identity: false, simdKernels: false });
    installWasm(ALL_WASM_PARTS);
    // A fresh wasm module, as the worker starts for a new thread count: the registry outlives it.
    const engine = tf.engine() as unknown as { registryFactory: Record<string, { factory: () => tf.KernelBackend }> };
    const factory = engine.registryFactory.wasm.factory;
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', factory, 2);
    await useWasm();
    registerTrainingKernels();
    installWasm();
    expect(wasmPartsInUse()).toEqual(ALL_WASM_PARTS);
    expectNoReregistration();
    // The replaced kernels work on the fresh module (their tfjs setup ran again): the CNN's gradients still match.
    expectReference(cnnPass());
  });

  it('turns each part on by its own switch and no other; on cpu only the host-memory parts apply', async () => {
    await useWasm();
    for (const part of WASM_PARTS) {
      const alone: WasmParts = { ...NO_WASM_PARTS, [part]: true };
      installWasm(alone);
      expect({ part, inUse: wasmPartsInUse() }).toEqual({ part, inUse: alone });
    }
    await useCpu();
    installWasm(ALL_WASM_PARTS);
    expect(wasmPartsInUse()).toEqual({ ...NO_WASM_PARTS, hostAdam: true, hostLoss: true });
    const adam = createOptimizer('adam', 0.01);
    // By class: tfjs's Optimizer answers instanceof for any optimizer.
    expect(adam.constructor).toBe(HostAdam);
    disposeOptimizer(adam);
  });

  it("gives tfjs's own gradients on cpu, bit for bit, with every part on (the gradient replacements hand other backends to tfjs's)", async () => {
    await useCpu();
    installWasm({ hostAdam: false, hostLoss: false });
    expect(tf.getGradient('Conv2D')).not.toBe(tfjs.gradients.Conv2D);
    const replaced = cnnPass();
    // Every wasm replacement in place, yet cpu computes exactly what tfjs's own gradients compute.
    expect(Array.from(replaced.output)).toEqual(Array.from(reference.output));
    replaced.gradients.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(reference.gradients[i])));
    // hostLoss serves cpu too: its loss gradient is tfjs's to float rounding, so the weights' are too.
    installWasm(ALL_WASM_PARTS);
    expectReference(cnnPass());
  });

  const variants: [string, Partial<WasmParts>][] = [['every part off', NO_WASM_PARTS], ['every part on', ALL_WASM_PARTS], ...WASM_PARTS.map((part): [string, Partial<WasmParts>] => [`${part} alone`, { ...NO_WASM_PARTS, [part]: true }])];
  for (const [name, parts] of variants) {
    it(`gives the digit CNN's output and gradients of tfjs's own kernels on cpu (1e-4) on wasm, ${name}`, async () => {
      await useWasm();
      installWasm(parts);
      expectReference(cnnPass());
    });
  }

  it('shows in the kernels a CNN step runs: tfjs’s own with every part off, Gradient Lab’s with all on', async () => {
    await useWasm();
    const kernelsRun = async (parts: WasmParts): Promise<Set<string>> => {
      installWasm(parts);
      const model = buildModel(MNIST_PRESETS.cnn, [28, 28, 1], 10);
      const optimizer = createOptimizer('adam', 0.01);
      const profile = await tf.profile(() => {
        const { loss } = trainStep(model, optimizer, data, batch);
        loss.dispose();
      });
      disposeOptimizer(optimizer);
      model.dispose();
      return new Set(profile.kernelNames);
    };
    const off = await kernelsRun(NO_WASM_PARTS);
    const on = await kernelsRun(ALL_WASM_PARTS);
    expect([...off].filter((k) => k.startsWith('GradientLab'))).toEqual([]);
    // tfjs's gradients (wasm's naive loops, the filter gradient registerTrainingKernels adds), its
    // loss op and its Adam (a square root among its dozen kernels a tensor).
    for (const k of ['Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPoolGrad', 'softmaxCrossEntropy__op', 'Sqrt']) expect(off).toContain(k);
    expect([...on].filter((k) => k.startsWith('GradientLab')).sort()).toEqual(['GradientLabConvFilterGradient', 'GradientLabConvInputGradient', 'GradientLabPoolGradient']);
    for (const k of ['Conv2DBackpropInput', 'MaxPoolGrad', 'softmaxCrossEntropy__op', 'Sqrt']) expect(on).not.toContain(k);
    expect(on.size).toBeLessThan(off.size);
  });

  it('with every part off, the digit CNN trains on wasm: the loss goes down on a small set, and every tensor is freed', async () => {
    await useWasm();
    installWasm(NO_WASM_PARTS);
    const baseline = tf.memory().numTensors;
    const model = buildModel(MNIST_PRESETS.cnn, [28, 28, 1], 10);
    const optimizer = createOptimizer('adam', 0.01);
    expect(optimizer.constructor).toBe(tf.AdamOptimizer);
    const losses: number[] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      let sum = 0;
      for (let from = 0; from < 256; from += 32) {
        const step = gatherBatch(data, data.train, Int32Array.from({ length: 32 }, (_, i) => from + i));
        const { loss } = trainStep(model, optimizer, data, step);
        sum += loss.dataSync()[0];
        loss.dispose();
      }
      losses.push(sum / 8);
    }
    disposeOptimizer(optimizer);
    model.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
    expect(losses[0]).toBeGreaterThan(1);
    expect(losses[3]).toBeLessThan(losses[0] * 0.5);
    expectNoReregistration();
  });
});
