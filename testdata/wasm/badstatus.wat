;; hostile: returns status 7 (only 0, 1 and 2 exist).
(module
  (memory (export "memory") 2)
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64)
    (i64.shl (i64.const 7) (i64.const 32))))
