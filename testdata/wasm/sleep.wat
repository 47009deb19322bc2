;; hostile: sleeps for an hour through WASI poll_oneoff (a relative clock
;; subscription), then reports up. The check deadline must cut the sleep short.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "{\"message\":\"woke up\"}") ;; 21 bytes
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64)
    ;; subscription at 70000: userdata 0, tag 0 (clock), clock id 1 (monotonic),
    ;; timeout 3600e9 ns, precision 0, flags 0 (relative)
    (memory.fill (i32.const 70000) (i32.const 0) (i32.const 48))
    (i32.store (i32.const 70016) (i32.const 1))
    (i64.store (i32.const 70024) (i64.const 3600000000000))
    (drop (call $poll (i32.const 70000) (i32.const 70100) (i32.const 1) (i32.const 70200)))
    (memory.copy (i32.const 1024) (i32.const 0) (i32.const 21))
    (i64.const 21)))
