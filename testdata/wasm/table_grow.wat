;; hostile: table.grow bomb. One table.grow of 0xFFFFFFFD entries asks the
;; runtime for ~32 GiB of host memory; then the table grows 64M entries at
;; a time (512 MiB of host memory each) until the host refuses
;; (table.grow returns -1), then reports down with the final table.size in
;; details. The host's table budget (max_table_elements) must hold: the
;; table never holds more elements than the budget.
(module
  (memory (export "memory") 1)
  (table $t 1 funcref)
  (elem (table $t) (i32.const 0) func $check)
  (data (i32.const 0) "{\"message\":\"table exhausted\",\"details\":{\"size\":")
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 60000))
  (func $check (export "vitals_check") (param $in i32) (result i64)
    (local $n i32) (local $len i32)
    (drop (table.grow $t (ref.null func) (i32.const 0xfffffffd)))
    (block $done
      (loop $more
        (br_if $done (i32.eq (table.grow $t (ref.null func) (i32.const 0x4000000)) (i32.const -1)))
        (br $more)))
    ;; and one element at a time, to reach the exact budget
    (block $done1
      (loop $more1
        (br_if $done1 (i32.eq (table.grow $t (ref.null func) (i32.const 1)) (i32.const -1)))
        (br $more1)))
    ;; output: the prefix, table.size in decimal, "}}"
    (memory.copy (i32.const 1024) (i32.const 0) (i32.const 47))
    (local.set $len (call $itoa (table.size $t) (i32.const 1071)))
    (i32.store16 (i32.add (i32.const 1071) (local.get $len)) (i32.const 0x7d7d))
    (i64.or (i64.shl (i64.const 2) (i64.const 32))
      (i64.extend_i32_u (i32.add (i32.const 49) (local.get $len)))))
  ;; $itoa writes n in decimal at dst and returns its length.
  (func $itoa (param $n i32) (param $dst i32) (result i32)
    (local $len i32) (local $i i32) (local $c i32)
    (local.set $i (local.get $n))
    (loop $count
      (local.set $len (i32.add (local.get $len) (i32.const 1)))
      (local.set $i (i32.div_u (local.get $i) (i32.const 10)))
      (br_if $count (local.get $i)))
    (local.set $i (local.get $len))
    (loop $digits
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (i32.add (local.get $dst) (local.get $i))
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $i)))
    (local.get $len)))
