;; hostile: declares four tables of 2^27 elements each (4 GiB of host
;; memory at 8 bytes an element) and never grows them. Refused at load: the
;; declared minimums exceed max_table_elements.
(module
  (memory (export "memory") 1)
  (table 134217728 funcref)
  (table 134217728 funcref)
  (table 134217728 funcref)
  (table 134217728 funcref)
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 60000))
  (func (export "vitals_check") (param $in i32) (result i64)
    (i64.const 0)))
