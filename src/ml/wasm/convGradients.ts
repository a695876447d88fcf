import { tf } from '../tf';
import { tensorsInHostMemory } from './hostMemory';
import { replaceGradient } from './overrides';
import { simdFilterGradient, simdInputGradient } from './simdKernels';
import { convPadding, plainFilterGradient } from './trainingKernels';

/**
 * Conv2D and MaxPool gradients built from wasm's fast kernels (the convGradients part). On wasm,
 * tfjs's own gradients run its Conv2DBackpropInput and MaxPoolGrad kernels, naive loops; these
 * compute the same from XNNPACK's convolution and element-wise ops, and, with the simdKernels
 * part, from hand-written SIMD passes (a CNN step went from 35 to 18 ms in Node).
 * replaceConvGradients registers them as the Conv2D and MaxPool gradients, which tfjs keeps once
 * for every backend: the replacement runs them on wasm only and hands every other backend to
 * tfjs's own gradient. The conv blocks (convBlocks.ts) call the same functions directly. Each is
 * checked against the cpu backend's kernels to 1e-4 (tests/ml/wasm/convGradients.test.ts).
 */

/**
 * The filter gradient of an NHWC convolution: a hand-written SIMD pass where it beats XNNPACK's
 * route (see below), else plainFilterGradient (trainingKernels.ts): a convolution from ops every
 * backend has, the same one trainingKernels.ts registers as wasm's Conv2DBackpropFilter kernel.
 */
export function filterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number],
  pad: 'same' | 'valid' | number,
): tf.Tensor4D {
  const [sh, sw] = strides;
  const [, , inC, outC] = filterShape;
  // With few input channels (the digit CNN's first conv: 1.0 against 3.1 ms), and where it takes
  // two input and sixteen output channels at a time (the second conv: 0.88 against 1.70 ms; 16 →
  // 32 channels, 3×3 on 14×14: 3.6 against 7.1 ms). Eight output channels a time from 8 input
  // channels on lost (1.03 against 0.84 ms).
  if (sh === 1 && sw === 1 && (inC <= 4 || (outC % 16 === 0 && inC % 2 === 0))) {
    const [top, , left] = convPadding(x.shape, dy.shape, filterShape, strides, pad);
    const direct = simdFilterGradient(x, dy, filterShape, top, left);
    if (direct) return direct;
  }
  return plainFilterGradient(x, dy, filterShape, strides, pad);
}

/**
 * The input gradient of a stride-1 convolution as a plain convolution: the output gradient,
 * padded, convolved with the filter turned 180° and its channel axes swapped. wasm has a
 * Conv2DBackpropInput kernel, but it is a naive loop about 10× slower than its XNNPACK conv2d.
 */
export function inputGradient(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: [number, number, number, number],
  pad: 'same' | 'valid' | number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filter.shape;
    const [, h, w] = xShape;
    const [, oh, ow] = dy.shape;
    // The forward pass's top / left padding; the input gradient pads the other way round.
    const top = pad === 'same' ? Math.floor(Math.max(oh - 1 + kh - h, 0) / 2) : pad === 'valid' ? 0 : pad;
    const left = pad === 'same' ? Math.floor(Math.max(ow - 1 + kw - w, 0) / 2) : pad === 'valid' ? 0 : pad;
    // As a plain convolution every input position takes every tap, where only the taps landing
    // inside dy count: with a large filter on a small map (the digit CNN's second conv: 12×12 from
    // 8×8) most of that work multiplies padding. A SIMD pass that skips it is then faster
    // (1.66 against 2.53 ms there); with little padding XNNPACK's convolution wins (3×3 on 28×28:
    // 6.2 against 6.0 ms), so the direct pass is for input maps ≥ 1.5× dy's.
    if (h * w >= 1.5 * oh * ow) {
      const direct = simdInputGradient(dy, filter, xShape, top, left);
      if (direct) return direct;
    }
    const front = [kh - 1 - top, kw - 1 - left];
    const back = [h + kh - 1 - oh - front[0], w + kw - 1 - ow - front[1]];
    const padded = tf.pad(dy, [[0, 0], [front[0], back[0]], [front[1], back[1]], [0, 0]]);
    const turned = turnedFilter(filter);
    return tf.conv2d(padded as tf.Tensor4D, turned, 1, 'valid');
  });
}

/**
 * [kh, kw, inC, outC] → turned 180° → [kh, kw, outC, inC]. Where tensors are in ordinary memory
 * (wasm, cpu) it is rearranged in JavaScript: wasm's Reverse kernel took 0.1–0.17 ms for the
 * digit CNN's 3,200 weights, the loop a few microseconds.
 */
function turnedFilter(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, inC, outC] = filter.shape;
  if (!tensorsInHostMemory()) return tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
  const from = filter.dataSync();
  const to = new Float32Array(from.length);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const source = ((kh - 1 - i) * kw + (kw - 1 - j)) * inC * outC;
      const target = (i * kw + j) * outC * inC;
      for (let c = 0; c < inC; c++) for (let o = 0; o < outC; o++) to[target + o * inC + c] = from[source + c * outC + o];
    }
  }
  return tf.tensor4d(to, [kh, kw, outC, inC]);
}

type ConvAttrs = {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | number[][];
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
};

type PoolAttrs = { filterSize: number | [number, number]; strides: number | [number, number]; pad: 'same' | 'valid' | number };

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

/**
 * Puts the Conv2D and MaxPool gradients above in place (on) or tfjs's own back (off). tfjs keeps
 * one gradient per kernel for all backends, so the replacement is registered for every backend:
 * on every backend but wasm, and for what these do not cover on wasm (NCHW, dilation, explicit
 * padding, pools that do not tile), it runs tfjs's own gradient, so the other backends compute
 * exactly what they did before.
 */
export function replaceConvGradients(on: boolean): boolean {
  const conv = replaceGradient('Conv2D', on, (tfjs) => (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, dataFormat, dilations } = attrs as unknown as ConvAttrs;
    const dil = pair(dilations);
    if (tf.getBackend() !== 'wasm' || dataFormat !== 'NHWC' || dil[0] !== 1 || dil[1] !== 1 || typeof pad === 'object') return tfjs.gradFunc(dy, saved, attrs);
    const s = pair(strides);
    return {
      x: () => (s[0] === 1 && s[1] === 1 ? inputGradient(dy as tf.Tensor4D, filter, x.shape, pad) : tf.conv2dTranspose(dy as tf.Tensor4D, filter, x.shape, s, pad)),
      filter: () => filterGradient(x, dy as tf.Tensor4D, filter.shape, s, pad),
    };
  });
  const pool = replaceGradient('MaxPool', on, (tfjs) => (dy, saved, attrs) => {
    const [x, y] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { filterSize, strides, pad } = attrs as unknown as PoolAttrs;
    const [size, step] = [pair(filterSize), pair(strides)];
    const tiles = tf.getBackend() === 'wasm' && pad === 'valid' && size[0] === step[0] && size[1] === step[1];
    return tiles ? { x: () => maxPoolGradient(dy as tf.Tensor4D, x, y, size) } : tfjs.gradFunc(dy, saved, attrs);
  });
  return conv && pool;
}

/**
 * The gradient of a max pool whose windows tile the input (stride = window, no padding) from
 * element-wise ops: each window's gradient goes to the position(s) that held its maximum. wasm's
 * MaxPoolGrad kernel is a naive loop; this is several times faster there. Exact ties (rare
 * outside ReLU zeros, whose gradient the ReLU then drops) share the gradient equally, where
 * tfjs gives it all to the first: the same total, a valid subgradient.
 */
export function maxPoolGradient(dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D, [ph, pw]: [number, number]): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const [, oh, ow] = y.shape;
    const size: [number, number] = [oh * ph, ow * pw];
    const covered = size[0] === h && size[1] === w ? x : tf.slice(x, [0, 0, 0, 0], [b, ...size, c]);
    // Same-shape ops only: wasm's broadcasting binary ops are slow here. Nearest-neighbour resizing by
    // a whole factor repeats each window's value over the window.
    // 1 where x holds its window's maximum (the maximum minus x is 0 there, > 0 elsewhere), as
    // floats without a bool tensor: wasm casts bools to floats slowly.
    const isMax = tf.sub(1, tf.step(tf.sub(tf.image.resizeNearestNeighbor(y, size), covered)));
    // The kernel itself: tf.avgPool ends with a float32 → float32 cast, a copy on wasm (0.04–0.2 ms here).
    const ties = tf.engine().runKernel('AvgPool', { x: isMax }, { filterSize: [ph, pw], strides: [ph, pw], pad: 'valid' } as never) as tf.Tensor4D;
    const share = tf.div(dy, tf.mul(ties, ph * pw)) as tf.Tensor4D;
    const grad = tf.mul(isMax, tf.image.resizeNearestNeighbor(share, size)) as tf.Tensor4D;
    return covered === x ? grad : (tf.pad(grad, [[0, 0], [0, h - size[0]], [0, w - size[1]], [0, 0]]) as tf.Tensor4D);
  });
}
