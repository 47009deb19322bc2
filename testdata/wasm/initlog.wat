;; initlog: logs 30 lines from its start function and 1 from _initialize,
;; then reports up without logging. The host must route logs made during
;; instantiation, and count them with the instance's first check.
(module
  (import "vitals" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "{\"message\":\"ok\"}")
  (data (i32.const 32) "start line")      ;; 10 bytes
  (data (i32.const 48) "initialize line") ;; 15 bytes
  (func $start
    (local $i i32)
    (block $done
      (loop $more
        (br_if $done (i32.ge_u (local.get $i) (i32.const 30)))
        (call $log (i32.const 1) (i32.const 32) (i32.const 10))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $more))))
  (start $start)
  (func (export "_initialize") (call $log (i32.const 2) (i32.const 48) (i32.const 15)))
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64)
    (memory.copy (i32.const 1024) (i32.const 0) (i32.const 16))
    (i64.const 16)))
