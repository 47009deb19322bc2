;; hostile: writes to stdout and stderr through WASI fd_write, then traps. The
;; host must capture both (capped) and attach them to the failed result.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "hello from stdout\n")         ;; 18 bytes
  (data (i32.const 32) "panic: something broke\n")   ;; 23 bytes
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64)
    ;; iovec at 70000 -> (0, 18); iovec at 70008 -> (32, 23)
    (i32.store (i32.const 70000) (i32.const 0))
    (i32.store (i32.const 70004) (i32.const 18))
    (i32.store (i32.const 70008) (i32.const 32))
    (i32.store (i32.const 70012) (i32.const 23))
    (drop (call $fd_write (i32.const 1) (i32.const 70000) (i32.const 1) (i32.const 70100)))
    (drop (call $fd_write (i32.const 2) (i32.const 70008) (i32.const 1) (i32.const 70100)))
    (unreachable)))
