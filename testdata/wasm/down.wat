;; down: reports status 2 with a message and details.
(module
  (memory (export "memory") 2)
  (data (i32.const 0) "{\"message\":\"backend unreachable\",\"details\":{\"code\":503}}")
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64)
    (memory.copy (i32.const 1024) (i32.const 0) (i32.const 56))
    (i64.or (i64.shl (i64.const 2) (i64.const 32)) (i64.const 56))))
