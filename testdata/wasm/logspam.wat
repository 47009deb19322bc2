;; hostile: logs 1000 lines of 2048 bytes each per check, then reports up.
;; The host must keep max_log_lines of them, each cut to max_log_line_bytes,
;; and report the dropped ones once.
(module
  (import "vitals" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "{\"message\":\"ok\"}")
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64)
    (local $i i32)
    (memory.fill (i32.const 70000) (i32.const 65) (i32.const 2048)) ;; "AAAA..."
    (block $done
      (loop $more
        (br_if $done (i32.ge_u (local.get $i) (i32.const 1000)))
        (call $log (i32.rem_u (local.get $i) (i32.const 4)) (i32.const 70000) (i32.const 2048))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $more)))
    (memory.copy (i32.const 1024) (i32.const 0) (i32.const 16))
    (i64.const 16)))
