;; hostile: output that is not a JSON object.
(module
  (memory (export "memory") 2)
  (data (i32.const 0) "not json")
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64)
    (memory.copy (i32.const 1024) (i32.const 0) (i32.const 8))
    (i64.const 8)))
