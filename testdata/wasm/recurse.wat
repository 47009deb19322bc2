;; hostile: infinite recursion (stack overflow).
(module
  (memory (export "memory") 2)
  (func $r (param i64) (result i64) (i64.add (call $r (local.get 0)) (i64.const 1)))
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64) (call $r (i64.const 0))))
