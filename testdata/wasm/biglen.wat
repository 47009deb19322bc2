;; hostile: returns an output length (99999) beyond its 65536-byte buffer.
(module
  (memory (export "memory") 4)
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64) (i64.const 99999)))
