;; hostile: passes an out-of-bounds pointer to vitals.log.
(module
  (import "vitals" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "{\"message\":\"log returned\"}")
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64)
    (call $log (i32.const 1) (i32.const 0xFFFFFF00) (i32.const 1000))
    (memory.copy (i32.const 1024) (i32.const 0) (i32.const 26))
    (i64.const 26)))
