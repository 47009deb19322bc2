;; noop: the smallest Vitals v1 probe. Reports up with the message "ok".
(module
  (memory (export "memory") 2)
  (data (i32.const 0) "{\"message\":\"ok\"}")
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64)
    (memory.copy (i32.const 1024) (i32.const 0) (i32.const 16))
    (i64.const 16)))
