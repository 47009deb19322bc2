;; netloop: a hostile probe that floods what it is granted. It calls
;; vitals.tcp_connect (config {"addr": "host:port"}) or vitals.http_request
;; (config {"request": {...}}, as in net.wat) 100000 times in a row, whatever
;; the results, and reports down with
;; {"message":"netloop","details":{"ok":<successful calls>,"code":<last result>}}.
;; The host's per-check budget (max_net_calls, max_sockets) must stop the
;; calls from reaching the network: past it they fail at once with -6.
(module
  (import "vitals" "http_request" (func $http (param i32 i32 i32 i32) (result i64)))
  (import "vitals" "tcp_connect" (func $tcp (param i32 i32 i32) (result i32)))
  (memory (export "memory") 4)
  (data (i32.const 0) "\"request\":")
  (data (i32.const 16) "\"addr\":\"")
  (data (i32.const 48) "{\"message\":\"netloop\",\"details\":{\"ok\":")
  (data (i32.const 96) ",\"code\":")
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))

  ;; $find returns the offset of needle in hay, or -1.
  (func $find (param $h i32) (param $hl i32) (param $n i32) (param $nl i32) (result i32)
    (local $i i32) (local $j i32)
    (block $notfound
      (loop $outer
        (br_if $notfound (i32.gt_s (i32.add (local.get $i) (local.get $nl)) (local.get $hl)))
        (local.set $j (i32.const 0))
        (block $mismatch
          (loop $inner
            (if (i32.ge_u (local.get $j) (local.get $nl)) (then (return (local.get $i))))
            (br_if $mismatch
              (i32.ne (i32.load8_u (i32.add (local.get $h) (i32.add (local.get $i) (local.get $j))))
                      (i32.load8_u (i32.add (local.get $n) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $inner)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (i32.const -1))

  ;; $objEnd returns the address of the '}' closing the object at p, or -1.
  (func $objEnd (param $p i32) (param $end i32) (result i32)
    (local $depth i32) (local $c i32)
    (block $fail
      (loop $l
        (br_if $fail (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.eq (local.get $c) (i32.const 123))
          (then (local.set $depth (i32.add (local.get $depth) (i32.const 1)))))
        (if (i32.eq (local.get $c) (i32.const 125))
          (then
            (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
            (if (i32.eqz (local.get $depth)) (then (return (local.get $p))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $l)))
    (i32.const -1))

  ;; $writeInt writes the signed decimal v at dst and returns its length.
  (func $writeInt (param $dst i32) (param $v i32) (result i32)
    (local $n i32) (local $t i32) (local $digits i32) (local $i i32)
    (if (i32.lt_s (local.get $v) (i32.const 0))
      (then
        (i32.store8 (local.get $dst) (i32.const 45))
        (return (i32.add (i32.const 1)
          (call $writeInt (i32.add (local.get $dst) (i32.const 1)) (i32.sub (i32.const 0) (local.get $v)))))))
    (local.set $t (local.get $v))
    (local.set $digits (i32.const 1))
    (block $d (loop $l
      (br_if $d (i32.lt_u (local.get $t) (i32.const 10)))
      (local.set $t (i32.div_u (local.get $t) (i32.const 10)))
      (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
      (br $l)))
    (local.set $i (local.get $digits))
    (local.set $t (local.get $v))
    (loop $w
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (i32.add (local.get $dst) (local.get $i))
        (i32.add (i32.const 48) (i32.rem_u (local.get $t) (i32.const 10))))
      (local.set $t (i32.div_u (local.get $t) (i32.const 10)))
      (br_if $w (i32.gt_s (local.get $i) (i32.const 0))))
    (local.get $digits))

  (func (export "vitals_check") (param $n i32) (result i64)
    (local $in_end i32) (local $idx i32) (local $start i32) (local $len i32)
    (local $mode i32) (local $k i32) (local $ok i32) (local $code i32) (local $p i32)
    (local.set $in_end (i32.add (i32.const 1024) (local.get $n)))
    (local.set $idx (call $find (i32.const 1024) (local.get $n) (i32.const 0) (i32.const 10)))
    (if (i32.ge_s (local.get $idx) (i32.const 0))
      (then
        (local.set $mode (i32.const 1))
        (local.set $start (i32.add (i32.const 1034) (local.get $idx)))
        (local.set $len (i32.add (i32.sub (call $objEnd (local.get $start) (local.get $in_end)) (local.get $start)) (i32.const 1))))
      (else
        (local.set $idx (call $find (i32.const 1024) (local.get $n) (i32.const 16) (i32.const 8)))
        (if (i32.lt_s (local.get $idx) (i32.const 0)) (then (unreachable)))
        (local.set $mode (i32.const 2))
        (local.set $start (i32.add (i32.const 1032) (local.get $idx)))
        (local.set $p (local.get $start))
        (block $q
          (loop $l
            (br_if $q (i32.ge_u (local.get $p) (local.get $in_end)))
            (br_if $q (i32.eq (i32.load8_u (local.get $p)) (i32.const 34)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $l)))
        (local.set $len (i32.sub (local.get $p) (local.get $start)))))
    ;; copy the request or address out of the buffer, to 200000
    (memory.copy (i32.const 200000) (local.get $start) (local.get $len))
    (loop $flood
      (if (i32.eq (local.get $mode) (i32.const 1))
        (then
          (local.set $code (i32.wrap_i64 (call $http (i32.const 200000) (local.get $len) (i32.const 131072) (i32.const 4096))))
          (if (i32.gt_s (local.get $code) (i32.const 0)) (then (local.set $code (i32.const 0)))))
        (else
          (local.set $code (call $tcp (i32.const 200000) (local.get $len) (i32.const 1000)))))
      (if (i32.eqz (local.get $code)) (then (local.set $ok (i32.add (local.get $ok) (i32.const 1)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $flood (i32.lt_u (local.get $k) (i32.const 100000))))
    ;; {"message":"netloop","details":{"ok":N,"code":C}}
    (memory.copy (i32.const 1024) (i32.const 48) (i32.const 37))
    (local.set $p (i32.add (i32.const 1061) (call $writeInt (i32.const 1061) (local.get $ok))))
    (memory.copy (local.get $p) (i32.const 96) (i32.const 8))
    (local.set $p (i32.add (local.get $p) (i32.const 8)))
    (local.set $p (i32.add (local.get $p) (call $writeInt (local.get $p) (local.get $code))))
    (i32.store16 (local.get $p) (i32.const 0x7d7d))
    (local.set $p (i32.add (local.get $p) (i32.const 2)))
    (i64.or (i64.shl (i64.const 2) (i64.const 32)) (i64.extend_i32_u (i32.sub (local.get $p) (i32.const 1024))))))
