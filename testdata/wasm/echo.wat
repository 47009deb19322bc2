;; echo: reports up with its whole input as the details:
;; {"details":{"name":...,"config":...,"timeout_ms":...}}
;; It also has an _initialize export, which the host must call once.
(module
  (memory (export "memory") 2)
  (global $inits (mut i32) (i32.const 0))
  (data (i32.const 0) "{\"details\":")
  (func (export "_initialize") (global.set $inits (i32.add (global.get $inits) (i32.const 1))))
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32)
    ;; the buffer is only valid once _initialize ran (exactly once)
    (if (i32.ne (global.get $inits) (i32.const 1)) (then (unreachable)))
    (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64)
    (memory.copy (i32.const 1035) (i32.const 1024) (local.get $in))
    (memory.copy (i32.const 1024) (i32.const 0) (i32.const 11))
    (i32.store8 (i32.add (i32.const 1035) (local.get $in)) (i32.const 125)) ;; '}'
    (i64.extend_i32_u (i32.add (local.get $in) (i32.const 12)))))
