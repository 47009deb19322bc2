;; hostile: passes out-of-bounds pointers to vitals.http_request, first for the
;; request, then for the response. Both calls must return -4 (bad request);
;; the probe then reports down with "bad request -4", anything else reports up
;; (which a test treats as a failure).
(module
  (import "vitals" "http_request" (func $http (param i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 2)
  (data (i32.const 0) "{\"message\":\"bad request -4\"}")          ;; 28 bytes
  (data (i32.const 64) "{\"message\":\"unexpected code\"}")        ;; 29 bytes
  (data (i32.const 128) "{\"method\":\"GET\",\"url\":\"http://127.0.0.1:9/\"}") ;; 44 bytes
  (func (export "vitals_abi_v1"))
  (func (export "vitals_buffer") (result i32) (i32.const 1024))
  (func (export "vitals_buffer_size") (result i32) (i32.const 65536))
  (func (export "vitals_check") (param $in i32) (result i64)
    (if (i64.ne (call $http (i32.const 0xFFFFFF00) (i32.const 64) (i32.const 70000) (i32.const 1024)) (i64.const -4))
      (then
        (memory.copy (i32.const 1024) (i32.const 64) (i32.const 29))
        (return (i64.const 29))))
    (if (i64.ne (call $http (i32.const 128) (i32.const 44) (i32.const 0xFFFFFF00) (i32.const 1024)) (i64.const -4))
      (then
        (memory.copy (i32.const 1024) (i32.const 64) (i32.const 29))
        (return (i64.const 29))))
    (memory.copy (i32.const 1024) (i32.const 0) (i32.const 28))
    (i64.or (i64.shl (i64.const 2) (i64.const 32)) (i64.const 28))))
