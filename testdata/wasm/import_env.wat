;; hostile: imports a function the host does not offer (env.foo).
(module
  (import "env" "foo" (func $foo))
  (memory (export "memory") 2)
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64) (call $foo) (i64.const 0)))
