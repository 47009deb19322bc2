;; hostile: imports vitals.tcp_connect with the wrong signature (no timeout,
;; an i64 result).
(module
  (import "vitals" "tcp_connect" (func $tcp (param i32 i32) (result i64)))
  (memory (export "memory") 2)
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64) (i64.const 0)))
