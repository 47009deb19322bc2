;; hostile: imports a wasi_snapshot_preview1 name that is not WASI preview 1
;; (sock_open is a WasmEdge extension).
(module
  (import "wasi_snapshot_preview1" "sock_open" (func $open (param i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64) (i64.const 0)))
