;; hostile: passes an out-of-bounds address to vitals.tcp_connect. The call
;; must return -4; the probe then reports down with "bad request -4",
;; anything else reports up (which a test treats as a failure).
(module
  (import "vitals" "tcp_connect" (func $tcp (param i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "{\"message\":\"bad request -4\"}")
  (data (i32.const 64) "{\"message\":\"unexpected code\"}")
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64)
    (if (i32.ne (call $tcp (i32.const 0x7FFFFFF0) (i32.const 64) (i32.const 100)) (i32.const -4))
      (then
        (memory.copy (i32.const 1024) (i32.const 64) (i32.const 29))
        (return (i64.const 29))))
    (memory.copy (i32.const 1024) (i32.const 0) (i32.const 28))
    (i64.or (i64.shl (i64.const 2) (i64.const 32)) (i64.const 28))))
