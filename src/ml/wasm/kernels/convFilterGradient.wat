;; The filter gradient of a stride-1, undilated NHWC convolution, for tfjs-backend-wasm's memory:
;;   dW[i, j, c, o] = Σ over b, y, x of  input[b, y + i - top, x + j - left, c] · dz[b, y, x, o]
;; (positions outside the input count as 0: that is the padding). float32; output channels a
;; multiple of 8, eight at a time in two SIMD accumulators (sixteen, for two input channels at
;; once, where the shapes allow). Pointers are byte offsets into the
;; imported memory, which is the wasm backend's own heap.
;;
;; XNNPACK computes this as a convolution of the transposed input with the transposed output
;; gradient, whose "filter" is as large as the image: on the digit CNN's first layer (one input
;; channel) that ran at a third of the speed of its forward convolution, plus two transposes.
(module
  (import "env" "memory" (memory 1))
  (func (export "convFilterGradient")
    (param $x i32) (param $dz i32) (param $dw i32)
    (param $batch i32) (param $h i32) (param $w i32) (param $c i32)
    (param $oh i32) (param $ow i32) (param $o i32)
    (param $kh i32) (param $kw i32) (param $top i32) (param $left i32)
    (local $i i32) (local $j i32) (local $ch i32) (local $og i32) (local $b i32) (local $y i32)
    (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32)
    (local $xp i32) (local $dp i32) (local $dend i32)
    (local $xstep i32) (local $dstep i32)
    (local $a0 v128) (local $a1 v128) (local $v v128)
    (local $u v128) (local $d v128) (local $b00 v128) (local $b01 v128) (local $b02 v128) (local $b03 v128) (local $b10 v128) (local $b11 v128) (local $b12 v128) (local $b13 v128)
    (local.set $xstep (i32.shl (local.get $c) (i32.const 2)))
    (local.set $dstep (i32.shl (local.get $o) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $iDone (loop $iLoop
      (br_if $iDone (i32.ge_s (local.get $i) (local.get $kh)))
      ;; rows y whose input row y + i - top is inside the image
      (local.set $y0 (select (i32.sub (local.get $top) (local.get $i)) (i32.const 0)
        (i32.gt_s (i32.sub (local.get $top) (local.get $i)) (i32.const 0))))
      (local.set $y1 (select (i32.add (i32.sub (local.get $h) (local.get $i)) (local.get $top)) (local.get $oh)
        (i32.lt_s (i32.add (i32.sub (local.get $h) (local.get $i)) (local.get $top)) (local.get $oh))))
      (local.set $j (i32.const 0))
      (block $jDone (loop $jLoop
        (br_if $jDone (i32.ge_s (local.get $j) (local.get $kw)))
        (local.set $x0 (select (i32.sub (local.get $left) (local.get $j)) (i32.const 0)
          (i32.gt_s (i32.sub (local.get $left) (local.get $j)) (i32.const 0))))
        (local.set $x1 (select (i32.add (i32.sub (local.get $w) (local.get $j)) (local.get $left)) (local.get $ow)
          (i32.lt_s (i32.add (i32.sub (local.get $w) (local.get $j)) (local.get $left)) (local.get $ow))))
        ;; Two input channels and sixteen output channels at a time where the shapes allow: each
        ;; loaded output-gradient vector then serves two input channels, halving the loads and
        ;; loop steps per multiply-add (the digit CNN's second conv: 8 in, 16 out).
        (local.set $ch (i32.const 0))
        (if (i32.eqz (i32.or (i32.and (local.get $o) (i32.const 15)) (i32.and (local.get $c) (i32.const 1))))
          (then
        (block $pDone (loop $pLoop
          (br_if $pDone (i32.ge_s (local.get $ch) (local.get $c)))
          (local.set $og (i32.const 0))
          (block $qDone (loop $qLoop
            (br_if $qDone (i32.ge_s (local.get $og) (local.get $o)))
            (local.set $b00 (f32x4.splat (f32.const 0)))
            (local.set $b01 (f32x4.splat (f32.const 0)))
            (local.set $b02 (f32x4.splat (f32.const 0)))
            (local.set $b03 (f32x4.splat (f32.const 0)))
            (local.set $b10 (f32x4.splat (f32.const 0)))
            (local.set $b11 (f32x4.splat (f32.const 0)))
            (local.set $b12 (f32x4.splat (f32.const 0)))
            (local.set $b13 (f32x4.splat (f32.const 0)))
            (if (i32.and (i32.lt_s (local.get $y0) (local.get $y1)) (i32.lt_s (local.get $x0) (local.get $x1)))
              (then
                (local.set $b (i32.const 0))
                (block $pbDone (loop $pbLoop
                  (br_if $pbDone (i32.ge_s (local.get $b) (local.get $batch)))
                  (local.set $y (local.get $y0))
                  (block $pyDone (loop $pyLoop
                    (br_if $pyDone (i32.ge_s (local.get $y) (local.get $y1)))
                    (local.set $xp (i32.add (local.get $x)
                      (i32.shl
                        (i32.add
                          (i32.mul
                            (i32.add
                              (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.sub (i32.add (local.get $y) (local.get $i)) (local.get $top))) (local.get $w))
                              (i32.sub (i32.add (local.get $x0) (local.get $j)) (local.get $left)))
                            (local.get $c))
                          (local.get $ch))
                        (i32.const 2))))
                    (local.set $dp (i32.add (local.get $dz)
                      (i32.shl
                        (i32.add
                          (i32.mul
                            (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $y)) (local.get $ow)) (local.get $x0))
                            (local.get $o))
                          (local.get $og))
                        (i32.const 2))))
                    (local.set $dend (i32.add (local.get $dp) (i32.mul (i32.sub (local.get $x1) (local.get $x0)) (local.get $dstep))))
                    (loop $pxLoop
                      (local.set $v (f32x4.splat (f32.load (local.get $xp))))
                      (local.set $u (f32x4.splat (f32.load offset=4 (local.get $xp))))
                      (local.set $d (v128.load offset=0 (local.get $dp)))
                      (local.set $b00 (f32x4.add (local.get $b00) (f32x4.mul (local.get $v) (local.get $d))))
                      (local.set $b10 (f32x4.add (local.get $b10) (f32x4.mul (local.get $u) (local.get $d))))
                      (local.set $d (v128.load offset=16 (local.get $dp)))
                      (local.set $b01 (f32x4.add (local.get $b01) (f32x4.mul (local.get $v) (local.get $d))))
                      (local.set $b11 (f32x4.add (local.get $b11) (f32x4.mul (local.get $u) (local.get $d))))
                      (local.set $d (v128.load offset=32 (local.get $dp)))
                      (local.set $b02 (f32x4.add (local.get $b02) (f32x4.mul (local.get $v) (local.get $d))))
                      (local.set $b12 (f32x4.add (local.get $b12) (f32x4.mul (local.get $u) (local.get $d))))
                      (local.set $d (v128.load offset=48 (local.get $dp)))
                      (local.set $b03 (f32x4.add (local.get $b03) (f32x4.mul (local.get $v) (local.get $d))))
                      (local.set $b13 (f32x4.add (local.get $b13) (f32x4.mul (local.get $u) (local.get $d))))
                      (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                      (local.set $dp (i32.add (local.get $dp) (local.get $dstep)))
                      (br_if $pxLoop (i32.lt_u (local.get $dp) (local.get $dend))))
                    (local.set $y (i32.add (local.get $y) (i32.const 1)))
                    (br $pyLoop)))
                  (local.set $b (i32.add (local.get $b) (i32.const 1)))
                  (br $pbLoop)))))
            ;; dW[i, j, ch, og .. og + 15], then dW[i, j, ch + 1, og .. og + 15]
            (local.set $dp (i32.add (local.get $dw)
              (i32.shl
                (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $i) (local.get $kw)) (local.get $j)) (local.get $c)) (local.get $ch)) (local.get $o)) (local.get $og))
                (i32.const 2))))
            (v128.store offset=0 (local.get $dp) (local.get $b00))
            (v128.store offset=16 (local.get $dp) (local.get $b01))
            (v128.store offset=32 (local.get $dp) (local.get $b02))
            (v128.store offset=48 (local.get $dp) (local.get $b03))
            (local.set $dp (i32.add (local.get $dp) (local.get $dstep)))
            (v128.store offset=0 (local.get $dp) (local.get $b10))
            (v128.store offset=16 (local.get $dp) (local.get $b11))
            (v128.store offset=32 (local.get $dp) (local.get $b12))
            (v128.store offset=48 (local.get $dp) (local.get $b13))
            (local.set $og (i32.add (local.get $og) (i32.const 16)))
            (br $qLoop)))
          (local.set $ch (i32.add (local.get $ch) (i32.const 2)))
          (br $pLoop)))))
        (block $cDone (loop $cLoop
          (br_if $cDone (i32.ge_s (local.get $ch) (local.get $c)))
          (local.set $og (i32.const 0))
          (block $oDone (loop $oLoop
            (br_if $oDone (i32.ge_s (local.get $og) (local.get $o)))
            (local.set $a0 (f32x4.splat (f32.const 0)))
            (local.set $a1 (f32x4.splat (f32.const 0)))
            (if (i32.and (i32.lt_s (local.get $y0) (local.get $y1)) (i32.lt_s (local.get $x0) (local.get $x1)))
              (then
                (local.set $b (i32.const 0))
                (block $bDone (loop $bLoop
                  (br_if $bDone (i32.ge_s (local.get $b) (local.get $batch)))
                  (local.set $y (local.get $y0))
                  (block $yDone (loop $yLoop
                    (br_if $yDone (i32.ge_s (local.get $y) (local.get $y1)))
                    ;; input[b, y + i - top, x0 + j - left, ch]
                    (local.set $xp (i32.add (local.get $x)
                      (i32.shl
                        (i32.add
                          (i32.mul
                            (i32.add
                              (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.sub (i32.add (local.get $y) (local.get $i)) (local.get $top))) (local.get $w))
                              (i32.sub (i32.add (local.get $x0) (local.get $j)) (local.get $left)))
                            (local.get $c))
                          (local.get $ch))
                        (i32.const 2))))
                    ;; dz[b, y, x0, og]
                    (local.set $dp (i32.add (local.get $dz)
                      (i32.shl
                        (i32.add
                          (i32.mul
                            (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $y)) (local.get $ow)) (local.get $x0))
                            (local.get $o))
                          (local.get $og))
                        (i32.const 2))))
                    (local.set $dend (i32.add (local.get $dp) (i32.mul (i32.sub (local.get $x1) (local.get $x0)) (local.get $dstep))))
                    (loop $xLoop
                      (local.set $v (f32x4.splat (f32.load (local.get $xp))))
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load (local.get $dp)))))
                      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $dp)))))
                      (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                      (local.set $dp (i32.add (local.get $dp) (local.get $dstep)))
                      (br_if $xLoop (i32.lt_u (local.get $dp) (local.get $dend))))
                    (local.set $y (i32.add (local.get $y) (i32.const 1)))
                    (br $yLoop)))
                  (local.set $b (i32.add (local.get $b) (i32.const 1)))
                  (br $bLoop)))))
            ;; dW[i, j, ch, og .. og + 7]
            (local.set $dp (i32.add (local.get $dw)
              (i32.shl
                (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $i) (local.get $kw)) (local.get $j)) (local.get $c)) (local.get $ch)) (local.get $o)) (local.get $og))
                (i32.const 2))))
            (v128.store (local.get $dp) (local.get $a0))
            (v128.store offset=16 (local.get $dp) (local.get $a1))
            (local.set $og (i32.add (local.get $og) (i32.const 8)))
            (br $oLoop)))
          (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
          (br $cLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jLoop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $iLoop))))
)
