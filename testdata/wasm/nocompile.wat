;; hostile: scans (marker, memory, imports are fine) but does not validate:
;; vitals_check returns an i32 where its type says i64, so the compiler
;; refuses it. build.sh passes --no-check for this file.
(module
  (memory (export "memory") 2)
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64) (i32.const 0)))
