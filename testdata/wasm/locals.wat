;; hostile: vitals_check declares 4294967295 i32 locals in 6 bytes (one
;; local declaration: count 0xffffffff, type i32); a runtime that allocates
;; per declared local asks for 4 GiB. Refused at load: max_function_locals.
;; Written as bytes, since the text format cannot compress locals.
(module binary
  ;; header
  "\00\61\73\6d\01\00\00\00"
  ;; type section: () -> (), () -> i32, (i32) -> i64
  "\01\0d\03\60\00\00\60\00\01\7f\60\01\7f\01\7e"
  ;; function section: 4 functions
  "\03\05\04\00\01\01\02"
  ;; memory section: one memory of 1 page
  "\05\03\01\00\01"
  ;; export section: memory, vitals_abi_v1, vitals_buffer, vitals_buffer_size, vitals_check
  "\07\4e\05\06\6d\65\6d\6f\72\79\02\00\0d\76\69\74\61\6c\73\5f\61\62\69\5f\76\31\00\00\0d\76\69\74\61\6c\73\5f\62\75\66\66\65\72\00\01\12\76\69\74\61\6c\73\5f\62\75\66\66\65\72\5f\73\69\7a\65\00\02\0c\76\69\74\61\6c\73\5f\63\68\65\63\6b\00\03"
  ;; code section; the last body: 1 declaration of 0xffffffff locals of type i32, i64.const 0, end
  "\0a\1c\04\02\00\0b\05\00\41\80\08\0b\06\00\41\e0\d4\03\0b\0a\01\ff\ff\ff\ff\0f\7f\42\00\0b")
