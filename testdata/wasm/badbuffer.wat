;; hostile: vitals_buffer points past the end of memory.
(module
  (memory (export "memory") 1)
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 60000))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64) (i64.const 0)))
