import { tf } from '../tf';

/**
 * What training needs on wasm, not a speed-up. tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter
 * kernel, so tfjs's own Conv2D gradient fails there and a conv layer cannot train. The filter
 * gradient is itself a convolution: convolve the (padded) input with the output gradient, with
 * the batch and channel axes swapped. registerTrainingKernels registers that as wasm's
 * Conv2DBackpropFilter kernel, for wasm only and only where tfjs-backend-wasm has none of its own,
 * made of ops wasm has (pad, transpose, XNNPACK's conv2d, slice); it is checked against the cpu
 * backend's own kernel in tests/ml/wasm/trainingKernels.test.ts.
 */

type Padding = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

/** The forward pass's padding of a convolution, [top, bottom, left, right], from the input and output sizes (NHWC). */
export function convPadding(xShape: number[], dyShape: number[], filterShape: number[], [sh, sw]: [number, number], pad: Padding): [number, number, number, number] {
  const [kh, kw] = filterShape;
  const [, h, w] = xShape;
  const [, oh, ow] = dyShape;
  if (pad === 'valid') return [0, 0, 0, 0];
  if (typeof pad === 'number') return [pad, pad, pad, pad];
  if (Array.isArray(pad)) return [pad[1][0], pad[1][1], pad[2][0], pad[2][1]];
  const padH = Math.max((oh - 1) * sh + kh - h, 0);
  const padW = Math.max((ow - 1) * sw + kw - w, 0);
  const top = Math.floor(padH / 2);
  const left = Math.floor(padW / 2);
  return [top, padH - top, left, padW - left];
}

/**
 * The filter gradient of an NHWC convolution (undilated, as tfjs's Conv2D gradient requires) from
 * ops every backend has. On wasm the conv2d below is XNNPACK's.
 */
export function plainFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], strides: [number, number], pad: Padding): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filterShape;
    const [top, bottom, left, right] = convPadding(x.shape, dy.shape, filterShape, strides, pad);
    const padded = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
    // [batch, H, W, inC] → [inC, H, W, batch]: in-channels become the batch, the batch the channels.
    const xT = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D;
    // [batch, oh, ow, outC] → [oh, ow, batch, outC]: the output gradient becomes the filter.
    const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    // Stride in the forward pass becomes dilation of this "filter".
    const full = tf.conv2d(xT, dyT, 1, 'valid', 'NHWC', strides);
    const cropped = full.shape[1] === kh && full.shape[2] === kw ? full : tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]);
    // [inC, kh, kw, outC] → [kh, kw, inC, outC]
    return tf.transpose(cropped, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

type FilterGradientAttrs = { strides: number | [number, number]; pad: Padding; dataFormat: 'NHWC' | 'NCHW'; filterShape: [number, number, number, number] };

/**
 * Conv2DBackpropFilter as a wasm kernel made of ops, as tfjs's own customGrad forward passes are:
 * the engine runs ops inside a kernel without recording them for gradients and takes a Tensor
 * as the kernel's output.
 */
function conv2DBackpropFilter({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const { strides, pad, dataFormat, filterShape } = attrs as unknown as FilterGradientAttrs;
  if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, not ${dataFormat}.`);
  const s: [number, number] = typeof strides === 'number' ? [strides, strides] : strides;
  return tf.tidy(() => {
    // Kernels are usually handed the op's own tensors; a bare TensorInfo gets a tensor of its own here.
    const tensor = (t: tf.TensorInfo | undefined) => (t instanceof tf.Tensor ? t : tf.engine().makeTensorFromTensorInfo(t!)) as tf.Tensor4D;
    return plainFilterGradient(tensor(inputs.x), tensor(inputs.dy), filterShape, s, pad);
  });
}

/**
 * Registers what wasm lacks for training, once: Conv2DBackpropFilter, unless tfjs-backend-wasm
 * has one of its own. Only for wasm; the other backends keep theirs. Returns whether conv layers
 * can train on wasm now: false before tfjs-backend-wasm has registered its kernels (its package
 * is imported when the worker first starts wasm), so a later call completes it.
 */
export function registerTrainingKernels(): boolean {
  if (!tf.getKernel('Conv2D', 'wasm')) return false;
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc });
  return true;
}
