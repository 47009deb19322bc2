;; noop: the smallest Extism plugin. Its export "noop" takes no input,
;; writes no output and returns 0 (success) without calling the kernel:
;; what a call costs through Extism's normal path (Plugin.Call), nothing
;; more. Rebuild with: wat2wasm -o noop.wasm noop.wat
(module
  (memory (export "memory") 1)
  (func (export "noop") (result i32)
    (i32.const 0)))
