;; The gradient of conv (ReLU) → max pool with tiling windows (stride = window, no padding), for
;; tfjs-backend-wasm's memory: one pass instead of a dozen element-wise kernels. NHWC, float32,
;; channels a multiple of 4 (four at a time with SIMD). Every pointer is a byte offset into the
;; imported memory, which is the wasm backend's own heap.
;;
;; For each window and channel: the pooled gradient passes only where the window's maximum is
;; above 0 (ReLU passed nothing otherwise); it goes to the position(s) equal to the maximum,
;; shared equally between ties; and it is added to the bias gradient. Rows and columns the
;; windows do not cover get 0.
(module
  (import "env" "memory" (memory 1))
  (func (export "poolGradient")
    (param $y i32) (param $pooled i32) (param $dy i32) (param $dz i32) (param $dbias i32)
    (param $batch i32) (param $h i32) (param $w i32) (param $c i32)
    (param $oh i32) (param $ow i32) (param $ph i32) (param $pw i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $ch i32)
    (local $wy i32) (local $wx i32)
    (local $p i32) (local $q i32) (local $rowBytes i32) (local $corner i32)
    (local $m v128) (local $passed v128) (local $ties v128) (local $share v128)
    (local $one v128)
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $rowBytes (i32.shl (i32.mul (local.get $w) (local.get $c)) (i32.const 2)))
    ;; dz starts at 0 everywhere (uncovered rows and columns stay so), the bias gradient too.
    (memory.fill (local.get $dz) (i32.const 0)
      (i32.shl (i32.mul (i32.mul (local.get $batch) (local.get $h)) (i32.mul (local.get $w) (local.get $c))) (i32.const 2)))
    (memory.fill (local.get $dbias) (i32.const 0) (i32.shl (local.get $c) (i32.const 2)))
    ;; $p walks pooled and dy in memory order.
    (local.set $p (i32.const 0))
    (local.set $b (i32.const 0))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $oy (i32.const 0))
      (block $oyDone (loop $oyLoop
        (br_if $oyDone (i32.ge_u (local.get $oy) (local.get $oh)))
        (local.set $ox (i32.const 0))
        (block $oxDone (loop $oxLoop
          (br_if $oxDone (i32.ge_u (local.get $ox) (local.get $ow)))
          ;; byte offset of the window's top-left position, channel 0
          (local.set $corner
            (i32.shl
              (i32.mul
                (i32.add
                  (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.mul (local.get $oy) (local.get $ph))) (local.get $w))
                  (i32.mul (local.get $ox) (local.get $pw)))
                (local.get $c))
              (i32.const 2)))
          (local.set $ch (i32.const 0))
          (block $chDone (loop $chLoop
            (br_if $chDone (i32.ge_u (local.get $ch) (local.get $c)))
            (local.set $m (v128.load (i32.add (local.get $pooled) (local.get $p))))
            (local.set $passed
              (v128.and (v128.load (i32.add (local.get $dy) (local.get $p)))
                        (f32x4.gt (local.get $m) (f32x4.splat (f32.const 0)))))
            (v128.store (i32.add (local.get $dbias) (i32.shl (local.get $ch) (i32.const 2)))
              (f32x4.add (v128.load (i32.add (local.get $dbias) (i32.shl (local.get $ch) (i32.const 2)))) (local.get $passed)))
            ;; count the positions equal to the maximum
            (local.set $ties (f32x4.splat (f32.const 0)))
            (local.set $wy (i32.const 0))
            (block $tyDone (loop $tyLoop
              (br_if $tyDone (i32.ge_u (local.get $wy) (local.get $ph)))
              (local.set $wx (i32.const 0))
              (block $txDone (loop $txLoop
                (br_if $txDone (i32.ge_u (local.get $wx) (local.get $pw)))
                (local.set $q (i32.add (i32.add (local.get $corner) (i32.shl (local.get $ch) (i32.const 2)))
                  (i32.add (i32.mul (local.get $wy) (local.get $rowBytes)) (i32.shl (i32.mul (local.get $wx) (local.get $c)) (i32.const 2)))))
                (local.set $ties (f32x4.add (local.get $ties)
                  (v128.and (f32x4.eq (v128.load (i32.add (local.get $y) (local.get $q))) (local.get $m)) (local.get $one))))
                (local.set $wx (i32.add (local.get $wx) (i32.const 1)))
                (br $txLoop)))
              (local.set $wy (i32.add (local.get $wy) (i32.const 1)))
              (br $tyLoop)))
            (local.set $share (f32x4.div (local.get $passed) (f32x4.max (local.get $ties) (local.get $one))))
            ;; hand each position equal to the maximum its share
            (local.set $wy (i32.const 0))
            (block $syDone (loop $syLoop
              (br_if $syDone (i32.ge_u (local.get $wy) (local.get $ph)))
              (local.set $wx (i32.const 0))
              (block $sxDone (loop $sxLoop
                (br_if $sxDone (i32.ge_u (local.get $wx) (local.get $pw)))
                (local.set $q (i32.add (i32.add (local.get $corner) (i32.shl (local.get $ch) (i32.const 2)))
                  (i32.add (i32.mul (local.get $wy) (local.get $rowBytes)) (i32.shl (i32.mul (local.get $wx) (local.get $c)) (i32.const 2)))))
                (v128.store (i32.add (local.get $dz) (local.get $q))
                  (v128.and (f32x4.eq (v128.load (i32.add (local.get $y) (local.get $q))) (local.get $m)) (local.get $share)))
                (local.set $wx (i32.add (local.get $wx) (i32.const 1)))
                (br $sxLoop)))
              (local.set $wy (i32.add (local.get $wy) (i32.const 1)))
              (br $syLoop)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $ch (i32.add (local.get $ch) (i32.const 4)))
            (br $chLoop)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $oxLoop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oyLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop)))))
