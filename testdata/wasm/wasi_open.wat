;; hostile: tries to open /etc/passwd through WASI path_open on fd 3 (the
;; first preopen, if there were any) and on fd 0. The host grants no preopens, so
;; both fail with an errno and the probe reports down. If either succeeds it
;; reports up, which a test treats as a sandbox escape.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "{\"message\":\"path_open denied\"}")   ;; 30 bytes
  (data (i32.const 64) "{\"message\":\"opened a host file\"}")  ;; 32 bytes
  (data (i32.const 128) "/etc/passwd")                         ;; 11 bytes
  (data (i32.const 144) "etc/passwd")                          ;; 10 bytes
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64)
    (if (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 144) (i32.const 10)
                   (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 512)))
      (then
        (memory.copy (i32.const 1024) (i32.const 64) (i32.const 32))
        (return (i64.const 32))))
    (if (i32.eqz (call $path_open (i32.const 0) (i32.const 0) (i32.const 128) (i32.const 11)
                   (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 512)))
      (then
        (memory.copy (i32.const 1024) (i32.const 64) (i32.const 32))
        (return (i64.const 32))))
    (memory.copy (i32.const 1024) (i32.const 0) (i32.const 30))
    (i64.or (i64.shl (i64.const 2) (i64.const 32)) (i64.const 30))))
