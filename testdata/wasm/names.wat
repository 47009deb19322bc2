;; hostile: the "name" custom section's function names subsection
;; declares 2^32-1 names and holds one; a runtime that allocates for the
;; declared count first asks for ~96 GiB. Refused at load (the subsection
;; cannot hold the names it declares). Written as bytes: the count is a lie
;; the text format cannot tell.
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
  ;; code section
  "\0a\16\04\02\00\0b\05\00\41\80\08\0b\06\00\41\e0\d4\03\0b\04\00\42\00\0b"
  ;; custom section "name": subsection 1 (function names), count 0xffffffff, one entry (0, "f")
  "\00\0f\04\6e\61\6d\65\01\08\ff\ff\ff\ff\0f\00\01\66")
