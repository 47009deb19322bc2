;; hostile: declares a minimum memory of 1024 pages (64 MiB), more than the
;; default memory_pages cap; refused at load.
(module
  (memory (export "memory") 1024)
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64) (i64.const 0)))
