;; hostile: memory.grow bomb. Grows memory 16 pages at a time until the host
;; refuses (memory.grow returns -1), then reports down. The host's page cap
;; must hold: memory.size never exceeds memory_pages.
(module
  (memory (export "memory") 2)
  (data (i32.const 0) "{\"message\":\"memory exhausted\"}")
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64)
    (block $done
      (loop $more
        (br_if $done (i32.eq (memory.grow (i32.const 16)) (i32.const -1)))
        (br $more)))
    ;; and again one page at a time, to reach the exact cap
    (block $done1
      (loop $more1
        (br_if $done1 (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $more1)))
    (memory.copy (i32.const 1024) (i32.const 0) (i32.const 30))
    (i64.or (i64.shl (i64.const 2) (i64.const 32)) (i64.const 30))))
