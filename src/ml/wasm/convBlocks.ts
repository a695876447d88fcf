import { tf, tfl } from '../tf';
import { filterGradient, inputGradient, maxPoolGradient } from './convGradients';
import { simdPoolGradient } from './simdKernels';

/**
 * The training forward pass with each "conv (ReLU) → max pool" pair, and each dense ReLU layer,
 * run as one block with its own gradient: the convBlocks part, for the wasm backend
 * (trainStep.ts asks wasmPart('convBlocks')). It runs on cpu too, which the tests use.
 *
 * Through tfjs-layers a conv layer trains as separate kernels: conv, a broadcast bias add, ReLU,
 * then the pool; backwards, the pool's gradient, ReLU's mask (step, multiply), the bias sum, the
 * filter and input gradients. On the first conv of the CNN each of those passes walks a
 * batch×24×24×8 tensor (32×24×24×8 in lesson 1), and tfjs fuses nothing while it records gradients. Here the forward pass is
 * XNNPACK's conv with bias and ReLU in one kernel, then the pool; the backward pass routes the
 * pooled gradient (masked where the window's maximum was 0, which is exactly ReLU's mask there)
 * to the window maxima, sums it for the bias, and computes the filter and
 * input gradients as convGradients.ts does. The first block's input is the data, so its input
 * gradient is never computed. Same maths as the layers (tests/ml/wasm/convBlocks.test.ts checks the
 * gradients against tfjs's own on cpu and wasm); every other layer runs through tfjs-layers.
 */

type Conv = tfl.layers.Layer & { kernel: { read(): tf.Tensor }; bias: { read(): tf.Tensor } | null };

interface ConvConfig {
  activation?: string;
  strides?: number | number[];
  dilationRate?: number | number[];
  dataFormat?: string;
  padding?: string;
  useBias?: boolean;
}

const ones = (v: number | number[] | undefined) => v === undefined || (Array.isArray(v) ? v.every((n) => n === 1) : v === 1);

/** A conv layer this block can stand in for: ReLU, stride 1, undilated, channels last, with bias. */
function fusableConv(layer: tfl.layers.Layer): layer is Conv {
  if (layer.getClassName() !== 'Conv2D') return false;
  const c = layer.getConfig() as ConvConfig;
  return c.activation === 'relu' && ones(c.strides) && ones(c.dilationRate) && c.dataFormat === 'channelsLast' && c.useBias === true && (c.padding === 'valid' || c.padding === 'same');
}

/** A max pool whose windows tile the input: size = stride, no padding. */
function tilingPool(layer: tfl.layers.Layer | undefined): [number, number] | null {
  if (!layer || layer.getClassName() !== 'MaxPooling2D') return null;
  const c = layer.getConfig() as { poolSize: number | number[]; strides: number | number[]; padding: string; dataFormat?: string };
  const size = typeof c.poolSize === 'number' ? [c.poolSize, c.poolSize] : c.poolSize;
  const step = typeof c.strides === 'number' ? [c.strides, c.strides] : c.strides;
  if (c.padding !== 'valid' || (c.dataFormat ?? 'channelsLast') !== 'channelsLast' || size[0] !== step[0] || size[1] !== step[1]) return null;
  return [size[0], size[1]];
}

/** conv (bias, ReLU) → max pool as one differentiable block. `x` is data when `dataInput` is true. */
function convReluPool(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D, pad: 'valid' | 'same', pool: [number, number], dataInput: boolean): tf.Tensor4D {
  const forward = (save: (tensors: tf.Tensor[]) => void) => {
    const y = tf.engine().runKernel('FusedConv2D', { x, filter: kernel, bias }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1], activation: 'relu' }) as tf.Tensor4D;
    const pooled = tf.maxPool(y, pool, pool, 'valid');
    // The forward pass's own tensors are freed before backpropagation: keep what it needs.
    save([x, y, pooled]);
    return pooled;
  };
  const backward = (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
    const [input, y, pooled] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const [dz, dbias] = simdPoolGradient(dy, y, pooled, pool) ?? poolGradient(dy, y, pooled, pool);
    const grads: tf.Tensor[] = [filterGradient(input, dz, kernel.shape, [1, 1], pad), dbias];
    if (!dataInput) grads.unshift(inputGradient(dz, kernel, input.shape, pad));
    return grads;
  };
  return asBlock(x, kernel, bias, dataInput, forward, backward);
}

/** The ReLU → max pool gradient and the bias gradient from tfjs ops (simdPoolGradient in one pass). */
function poolGradient(dy: tf.Tensor4D, y: tf.Tensor4D, pooled: tf.Tensor4D, pool: [number, number]): [tf.Tensor4D, tf.Tensor1D] {
  // A window whose maximum is 0 passed nothing through ReLU: its gradient stops here.
  const passed = tf.mul(dy, tf.step(pooled)) as tf.Tensor4D;
  // The bias gradient is the sum of dz, which is what the windows pass on: summed here from the
  // pooled gradient, a quarter of dz's size (0.54 → 0.14 ms on the digit CNN's first conv).
  return [maxPoolGradient(passed, y, pooled, pool), tf.sum(passed, [0, 1, 2])];
}

/**
 * One differentiable block from its forward pass (which saves what the backward pass needs) and
 * its backward pass. It differentiates x, the kernel and the bias; the data needs no gradient,
 * so a block on the data differentiates the weights only.
 */
function asBlock<T extends tf.Tensor>(x: T, kernel: tf.Tensor, bias: tf.Tensor, dataInput: boolean, forward: (save: tf.GradSaveFunc) => T, backward: (dy: T, saved: tf.Tensor[]) => tf.Tensor[]): T {
  const inputs = dataInput ? [kernel, bias] : [x, kernel, bias];
  const block = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    return { value: forward(save), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy as T, saved) };
  });
  return block(...inputs) as T;
}

type Dense = tfl.layers.Layer & { kernel: { read(): tf.Tensor }; bias: { read(): tf.Tensor } | null };

/** A dense layer with ReLU and a bias: tfjs fuses none of it while it records gradients. */
function fusableDense(layer: tfl.layers.Layer): layer is Dense {
  if (layer.getClassName() !== 'Dense') return false;
  const c = layer.getConfig() as { activation?: string; useBias?: boolean };
  return c.activation === 'relu' && c.useBias === true;
}

/**
 * dense (bias, ReLU) as one differentiable block on a [batch, features] input: forward, one
 * _FusedMatMul kernel (tfjs runs three while recording gradients: the product, a broadcast bias
 * add, ReLU); backward, ReLU's mask from the saved output, then the weight, bias and (unless the
 * input is data) input gradients. On the MLP's 784 → 128 layer: the same maths, fewer passes.
 */
function denseRelu(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, dataInput: boolean): tf.Tensor2D {
  const [rows] = x.shape;
  const units = kernel.shape[1];
  const forward = (save: (tensors: tf.Tensor[]) => void) => {
    const a = tf.reshape(x, [1, ...x.shape]);
    const b = tf.reshape(kernel, [1, ...kernel.shape]);
    const y = tf.reshape(tf.engine().runKernel('_FusedMatMul', { a, b, bias }, { transposeA: false, transposeB: false, activation: 'relu' } as never) as tf.Tensor, [rows, units]) as tf.Tensor2D;
    save([x, y]);
    return y;
  };
  const backward = (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
    const [input, y] = saved as [tf.Tensor2D, tf.Tensor2D];
    // ReLU passed the gradient where its output is positive.
    const dz = tf.mul(dy, tf.step(y)) as tf.Tensor2D;
    const grads: tf.Tensor[] = [tf.matMul(input, dz, true, false), tf.sum(dz, 0)];
    if (!dataInput) grads.unshift(tf.matMul(dz, kernel, false, true));
    return grads;
  };
  return asBlock(x, kernel, bias, dataInput, forward, backward);
}

/** Whether `trainingForward` runs any block for this model (else it is model.apply). */
export function hasTrainingBlocks(model: tfl.LayersModel): boolean {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  return layers.some((l, i) => (fusableConv(l) && tilingPool(layers[i + 1]) !== null) || fusableDense(l));
}

/** The model's output in training mode, conv → pool pairs and dense ReLU layers as blocks. Call inside a gradient scope. */
export function trainingForward(model: tfl.LayersModel, x: tf.Tensor): tf.Tensor {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  let out = x;
  // Still the data, reshaped at most: no gradient flows into it.
  let data = true;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    const pool = tilingPool(layers[i + 1]);
    if (fusableConv(layer) && pool) {
      const pad = (layer.getConfig() as ConvConfig).padding as 'valid' | 'same';
      out = convReluPool(out as tf.Tensor4D, layer.kernel.read() as tf.Tensor4D, layer.bias!.read() as tf.Tensor1D, pad, pool, data);
      i++; // the pool ran inside the block
    } else if (fusableDense(layer) && out.rank === 2) {
      out = denseRelu(out as tf.Tensor2D, layer.kernel.read() as tf.Tensor2D, layer.bias!.read() as tf.Tensor1D, data);
    } else {
      out = layer.apply(out, { training: true }) as tf.Tensor;
    }
    data &&= layer.getClassName() === 'Flatten' || layer.getClassName() === 'Reshape';
  }
  return out;
}
