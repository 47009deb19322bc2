;; hostile: imports wasi_snapshot_preview1.fd_write with the wrong signature.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64) (i64.const 0)))
