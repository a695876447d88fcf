;; The input gradient of a stride-1, undilated NHWC convolution, for tfjs-backend-wasm's memory:
;;   dx[b, y, x, c] = Σ over i, j, o of  dz[b, y - i + top, x - j + left, o] · W[i, j, c, o]
;; over the taps that land inside dz. `wt` is the filter with its channel axes swapped,
;; [kh, kw, o, c], so that eight input channels are adjacent. float32; input channels a multiple
;; of 8. Pointers are byte offsets into the imported memory, which is the wasm backend's own heap.
;;
;; As a plain convolution (what convGradients.ts's inputGradient runs) dz is first padded by the
;; filter's size on every side: on the digit CNN's second conv that padded 8×8 maps to 16×16 and
;; more than doubled the multiplications, most of them by 0.
(module
  (import "env" "memory" (memory 1))
  (func (export "convInputGradient")
    (param $dz i32) (param $wt i32) (param $dx i32)
    (param $batch i32) (param $h i32) (param $w i32) (param $c i32)
    (param $oh i32) (param $ow i32) (param $o i32)
    (param $kh i32) (param $kw i32) (param $top i32) (param $left i32)
    (local $b i32) (local $yy i32) (local $xx i32) (local $cg i32) (local $i i32) (local $j i32)
    (local $i0 i32) (local $i1 i32) (local $j0 i32) (local $j1 i32)
    (local $dp i32) (local $wp i32) (local $dend i32) (local $wstep i32) (local $out i32)
    (local $a0 v128) (local $a1 v128) (local $s v128)
    (local.set $wstep (i32.shl (local.get $c) (i32.const 2)))
    (local.set $out (local.get $dx))
    (local.set $b (i32.const 0))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_s (local.get $b) (local.get $batch)))
      (local.set $yy (i32.const 0))
      (block $yDone (loop $yLoop
        (br_if $yDone (i32.ge_s (local.get $yy) (local.get $h)))
        ;; taps i with 0 <= yy - i + top < oh
        (local.set $i0 (i32.add (i32.sub (i32.add (local.get $yy) (local.get $top)) (local.get $oh)) (i32.const 1)))
        (if (i32.lt_s (local.get $i0) (i32.const 0)) (then (local.set $i0 (i32.const 0))))
        (local.set $i1 (i32.add (i32.add (local.get $yy) (local.get $top)) (i32.const 1)))
        (if (i32.gt_s (local.get $i1) (local.get $kh)) (then (local.set $i1 (local.get $kh))))
        (local.set $xx (i32.const 0))
        (block $xDone (loop $xLoop
          (br_if $xDone (i32.ge_s (local.get $xx) (local.get $w)))
          (local.set $j0 (i32.add (i32.sub (i32.add (local.get $xx) (local.get $left)) (local.get $ow)) (i32.const 1)))
          (if (i32.lt_s (local.get $j0) (i32.const 0)) (then (local.set $j0 (i32.const 0))))
          (local.set $j1 (i32.add (i32.add (local.get $xx) (local.get $left)) (i32.const 1)))
          (if (i32.gt_s (local.get $j1) (local.get $kw)) (then (local.set $j1 (local.get $kw))))
          (local.set $cg (i32.const 0))
          (block $cDone (loop $cLoop
            (br_if $cDone (i32.ge_s (local.get $cg) (local.get $c)))
            (local.set $a0 (f32x4.splat (f32.const 0)))
            (local.set $a1 (f32x4.splat (f32.const 0)))
            (local.set $i (local.get $i0))
            (block $iDone (loop $iLoop
              (br_if $iDone (i32.ge_s (local.get $i) (local.get $i1)))
              (local.set $j (local.get $j0))
              (block $jDone (loop $jLoop
                (br_if $jDone (i32.ge_s (local.get $j) (local.get $j1)))
                ;; dz[b, yy - i + top, xx - j + left, 0]
                (local.set $dp (i32.add (local.get $dz)
                  (i32.shl
                    (i32.mul
                      (i32.add
                        (i32.mul
                          (i32.add (i32.mul (local.get $b) (local.get $oh)) (i32.add (i32.sub (local.get $yy) (local.get $i)) (local.get $top)))
                          (local.get $ow))
                        (i32.add (i32.sub (local.get $xx) (local.get $j)) (local.get $left)))
                      (local.get $o))
                    (i32.const 2))))
                (local.set $dend (i32.add (local.get $dp) (i32.shl (local.get $o) (i32.const 2))))
                ;; wt[i, j, 0, cg]
                (local.set $wp (i32.add (local.get $wt)
                  (i32.shl
                    (i32.add (i32.mul (i32.mul (i32.add (i32.mul (local.get $i) (local.get $kw)) (local.get $j)) (local.get $o)) (local.get $c)) (local.get $cg))
                    (i32.const 2))))
                (loop $oLoop
                  (local.set $s (f32x4.splat (f32.load (local.get $dp))))
                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (v128.load (local.get $wp)))))
                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $wp)))))
                  (local.set $wp (i32.add (local.get $wp) (local.get $wstep)))
                  (local.set $dp (i32.add (local.get $dp) (i32.const 4)))
                  (br_if $oLoop (i32.lt_u (local.get $dp) (local.get $dend))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $jLoop)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $iLoop)))
            (v128.store (local.get $out) (local.get $a0))
            (v128.store offset=16 (local.get $out) (local.get $a1))
            (local.set $out (i32.add (local.get $out) (i32.const 32)))
            (local.set $cg (i32.add (local.get $cg) (i32.const 8)))
            (br $cLoop)))
          (local.set $xx (i32.add (local.get $xx) (i32.const 1)))
          (br $xLoop)))
        (local.set $yy (i32.add (local.get $yy) (i32.const 1)))
        (br $yLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop))))
)
