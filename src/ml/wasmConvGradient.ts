import { tf } from './tf';

/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so training a conv layer there
 * fails. The filter gradient is itself a convolution: convolve the (padded) input with the
 * output gradient, with the batch and channel axes swapped. We register a Conv2D gradient that
 * computes it from ops every backend has; the input gradient keeps using conv2DBackpropInput.
 * Registered only when the wasm backend is used; checked against the cpu backend in tests.
 */
export function filterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number],
  pad: 'same' | 'valid' | number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filterShape;
    const [, h, w] = x.shape;
    const [, oh, ow] = dy.shape;
    const [sh, sw] = strides;
    let top = 0;
    let left = 0;
    let bottom = 0;
    let right = 0;
    if (pad === 'same') {
      const padH = Math.max((oh - 1) * sh + kh - h, 0);
      const padW = Math.max((ow - 1) * sw + kw - w, 0);
      top = Math.floor(padH / 2);
      bottom = padH - top;
      left = Math.floor(padW / 2);
      right = padW - left;
    } else if (typeof pad === 'number') {
      top = bottom = left = right = pad;
    }
    const padded = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
    // [batch, H, W, inC] → [inC, H, W, batch]: in-channels become the batch, the batch the channels.
    const xT = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D;
    // [batch, oh, ow, outC] → [oh, ow, batch, outC]: the output gradient becomes the filter.
    const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    // Stride in the forward pass becomes dilation of this "filter".
    const full = tf.conv2d(xT, dyT, 1, 'valid', 'NHWC', [sh, sw]);
    const cropped = full.shape[1] === kh && full.shape[2] === kw ? full : tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]);
    // [inC, kh, kw, outC] → [kh, kw, inC, outC]
    return tf.transpose(cropped, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

let registered = false;

export function registerConvFilterGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const { strides, pad, dataFormat, dilations } = attrs as unknown as {
        strides: number | [number, number];
        pad: 'same' | 'valid' | number;
        dataFormat: 'NHWC' | 'NCHW';
        dilations: number | [number, number];
      };
      const dil = typeof dilations === 'number' ? [dilations, dilations] : dilations;
      if (dataFormat !== 'NHWC' || dil[0] !== 1 || dil[1] !== 1 || typeof pad === 'object') {
        throw new Error('The wasm conv gradient supports NHWC, undilated convolutions only.');
      }
      const s: [number, number] = typeof strides === 'number' ? [strides, strides] : strides;
      return {
        x: () => tf.conv2dTranspose(dy as tf.Tensor4D, filter, x.shape, s, pad as 'same' | 'valid'),
        filter: () => filterGradient(x, dy as tf.Tensor4D, filter.shape, s, pad),
      };
    },
  });
}
