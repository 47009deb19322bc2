;; net: a generic network probe driven by its config, for the grant tests.
;;
;; config {"request": {"method": ..., "url": ..., ...}, "resp_cap": N}:
;;   calls vitals.http_request with the request object as it appears in the
;;   input (the test keeps braces out of its strings) and a response area of
;;   resp_cap bytes (default 4096). On success it reports
;;   {"message":"fetched","details":<the response JSON>}, up for a 2xx status,
;;   down otherwise; on failure {"message":"http_request failed","details":{"code":-N}}, down.
;; config {"addr": "host:port"}:
;;   calls vitals.tcp_connect(addr, 2000 ms) and reports
;;   {"message":"tcp_connect","details":{"code":N}}, up for 0, down otherwise.
(module
  (import "vitals" "http_request" (func $http (param i32 i32 i32 i32) (result i64)))
  (import "vitals" "tcp_connect" (func $tcp (param i32 i32 i32) (result i32)))
  (memory (export "memory") 4)
  (data (i32.const 0) "\"request\":")
  (data (i32.const 16) "\"addr\":\"")
  (data (i32.const 32) "\"resp_cap\":")
  (data (i32.const 48) "{\"message\":\"fetched\",\"details\":")
  (data (i32.const 128) "{\"message\":\"http_request failed\",\"details\":{\"code\":")
  (data (i32.const 256) "{\"message\":\"tcp_connect\",\"details\":{\"code\":")
  (data (i32.const 384) "{\"message\":\"no request or addr in config\"}")
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

  ;; $parseUint parses the decimal digits at p.
  (func $parseUint (param $p i32) (param $end i32) (result i32)
    (local $v i32) (local $c i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
        (br_if $done (i32.gt_u (local.get $c) (i32.const 9)))
        (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10)) (local.get $c)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $l)))
    (local.get $v))

  ;; $writeCode writes a code in -9..9 at dst and returns its length.
  (func $writeCode (param $dst i32) (param $code i32) (result i32)
    (if (i32.lt_s (local.get $code) (i32.const 0))
      (then
        (i32.store8 (local.get $dst) (i32.const 45))
        (i32.store8 (i32.add (local.get $dst) (i32.const 1))
          (i32.add (i32.const 48) (i32.sub (i32.const 0) (local.get $code))))
        (return (i32.const 2))))
    (i32.store8 (local.get $dst) (i32.add (i32.const 48) (local.get $code)))
    (i32.const 1))

  (func (export "vitals_check") (param $n i32) (result i64)
    (local $in_end i32) (local $idx i32) (local $start i32) (local $e i32)
    (local $ret i64) (local $cap i32) (local $len i32) (local $code i32)
    (local.set $in_end (i32.add (i32.const 1024) (local.get $n)))
    (local.set $cap (i32.const 4096))
    (local.set $idx (call $find (i32.const 1024) (local.get $n) (i32.const 32) (i32.const 11)))
    (if (i32.ge_s (local.get $idx) (i32.const 0))
      (then (local.set $cap (call $parseUint (i32.add (i32.const 1035) (local.get $idx)) (local.get $in_end)))))

    (local.set $idx (call $find (i32.const 1024) (local.get $n) (i32.const 0) (i32.const 10)))
    (if (i32.ge_s (local.get $idx) (i32.const 0))
      (then
        (local.set $start (i32.add (i32.const 1034) (local.get $idx)))
        (local.set $e (call $objEnd (local.get $start) (local.get $in_end)))
        (if (i32.lt_s (local.get $e) (i32.const 0)) (then (unreachable)))
        (local.set $ret (call $http (local.get $start)
          (i32.add (i32.sub (local.get $e) (local.get $start)) (i32.const 1))
          (i32.const 131072) (local.get $cap)))
        (if (i64.lt_s (local.get $ret) (i64.const 0))
          (then
            (memory.copy (i32.const 1024) (i32.const 128) (i32.const 51))
            (local.set $len (i32.add (i32.const 51)
              (call $writeCode (i32.const 1075) (i32.wrap_i64 (local.get $ret)))))
            (i32.store16 (i32.add (i32.const 1024) (local.get $len)) (i32.const 0x7d7d))
            (return (i64.or (i64.shl (i64.const 2) (i64.const 32))
              (i64.extend_i32_u (i32.add (local.get $len) (i32.const 2)))))))
        (local.set $len (i32.wrap_i64 (local.get $ret)))
        (memory.copy (i32.const 1024) (i32.const 48) (i32.const 31))
        (memory.copy (i32.const 1055) (i32.const 131072) (local.get $len))
        (i32.store8 (i32.add (i32.const 1055) (local.get $len)) (i32.const 125))
        (local.set $len (i32.add (local.get $len) (i32.const 32)))
        ;; the response starts with {"status":NNN
        (if (i32.eq (i32.load8_u (i32.const 131082)) (i32.const 50))
          (then (return (i64.extend_i32_u (local.get $len)))))
        (return (i64.or (i64.shl (i64.const 2) (i64.const 32)) (i64.extend_i32_u (local.get $len))))))

    (local.set $idx (call $find (i32.const 1024) (local.get $n) (i32.const 16) (i32.const 8)))
    (if (i32.ge_s (local.get $idx) (i32.const 0))
      (then
        (local.set $start (i32.add (i32.const 1032) (local.get $idx)))
        (local.set $e (local.get $start))
        (block $q
          (loop $l
            (br_if $q (i32.ge_u (local.get $e) (local.get $in_end)))
            (br_if $q (i32.eq (i32.load8_u (local.get $e)) (i32.const 34)))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $l)))
        (local.set $code (call $tcp (local.get $start) (i32.sub (local.get $e) (local.get $start)) (i32.const 2000)))
        (memory.copy (i32.const 1024) (i32.const 256) (i32.const 43))
        (local.set $len (i32.add (i32.const 43) (call $writeCode (i32.const 1067) (local.get $code))))
        (i32.store16 (i32.add (i32.const 1024) (local.get $len)) (i32.const 0x7d7d))
        (local.set $len (i32.add (local.get $len) (i32.const 2)))
        (if (i32.eqz (local.get $code)) (then (return (i64.extend_i32_u (local.get $len)))))
        (return (i64.or (i64.shl (i64.const 2) (i64.const 32)) (i64.extend_i32_u (local.get $len))))))

    (memory.copy (i32.const 1024) (i32.const 384) (i32.const 42))
    (i64.or (i64.shl (i64.const 2) (i64.const 32)) (i64.const 42))))
