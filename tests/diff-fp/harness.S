/*
 * typevisor FP/SIMD differential-test harness: a freestanding static AArch64 Linux program (no
 * libc, raw syscalls) run under qemu-aarch64. Same scheme as tests/diff/harness.S, with the
 * SIMD&FP state added. Protocol (all little-endian, see gen.ts):
 *
 *   stdin : u32 magic 'TVF1', u32 count, then `count` input records of REC_IN bytes:
 *             +0    u32 nwords (<= MAXW), u32 reserved
 *             +8    u32 code[MAXW]
 *             +264  u64 x[31]            (x16, x17 are ignored: reserved for the epilogue)
 *             +512  u64 nzcv             (bits 31:28)
 *             +520  u64 fpcr
 *             +528  u64 fpsr
 *             +536  u8  v[32][16]        (V0..V31)
 *             +1048 u8  buf[BUFSZ]       (copied to DATA before the run)
 *   stdout: `count` output records of REC_OUT bytes:
 *             +0    u64 x[31]            (x16, x17 written as 0)
 *             +248  u64 nzcv
 *             +256  u64 fpcr
 *             +264  u64 fpsr
 *             +272  u8  v[32][16]
 *             +784  u8  buf[BUFSZ]       (DATA after the run)
 *
 * The code page (CODE) gets the case's words followed by the epilogue: `ldr x16, RETLIT` in
 * every word from nwords to MAXW - 1, then `br x16` (so a forward branch past the last word
 * returns too); RETLIT is a fixed literal at CODE + 0xff8 holding the address of `case_return`.
 * The tested code may clobber every register except x16/x17 (epilogue) and SP.
 */
#define CODE    0x40000000
#define DATA_PAGES 0x40200000        /* two pages mapped here */
#define DATA    0x40200e00          /* the buffer straddles the page boundary at DATA + 512 */
#define MAXW    64
#define BUFSZ   1024
#define REC_IN  (8 + 4 * MAXW + 8 * 31 + 24 + 512 + BUFSZ)
#define REC_OUT (8 * 31 + 24 + 512 + BUFSZ)
#define RETLIT  0xff8

#define SYS_read  63
#define SYS_write 64
#define SYS_exit_group 94
#define SYS_mmap 222

    .text
    .global _start
_start:
    /* header */
    ldr     x1, =hdr
    mov     x2, #8
    bl      read_full
    ldr     x1, =hdr
    ldr     w0, [x1]
    ldr     w2, =0x31465654            /* 'TVF1' */
    cmp     w0, w2
    b.ne    fail
    ldr     w0, [x1, #4]
    ldr     x1, =remaining
    str     x0, [x1]

    /* code page: RWX, fixed */
    ldr     x0, =CODE
    mov     x1, #4096
    mov     x2, #7                     /* PROT_READ|WRITE|EXEC */
    mov     x3, #0x32                  /* MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS */
    mov     x4, #-1
    mov     x5, #0
    mov     x8, #SYS_mmap
    svc     #0
    ldr     x1, =CODE
    cmp     x0, x1
    b.ne    fail
    /* data pages */
    ldr     x0, =DATA_PAGES
    mov     x1, #8192
    mov     x2, #3
    mov     x3, #0x32
    mov     x4, #-1
    mov     x5, #0
    mov     x8, #SYS_mmap
    svc     #0
    ldr     x1, =DATA_PAGES
    cmp     x0, x1
    b.ne    fail
    /* the return literal (data, read by the epilogue's ldr) */
    ldr     x0, =CODE + RETLIT
    adr     x1, case_return
    str     x1, [x0]

next_case:
    ldr     x1, =remaining
    ldr     x0, [x1]
    cbz     x0, done
    sub     x0, x0, #1
    str     x0, [x1]

    ldr     x1, =rec_in
    ldr     x2, =REC_IN
    bl      read_full

    /* copy the code words, then the epilogue */
    ldr     x9, =rec_in
    ldr     w10, [x9]                  /* nwords */
    cmp     w10, #MAXW
    b.hi    fail
    add     x11, x9, #8
    ldr     x12, =CODE
    mov     x13, #0
2:  cmp     x13, x10
    b.hs    3f
    ldr     w14, [x11, x13, lsl #2]
    str     w14, [x12, x13, lsl #2]
    add     x13, x13, #1
    b       2b
3:  /* words n..MAXW-1: `ldr x16, CODE+RETLIT` (imm19 = (RETLIT - 4i) / 4), word MAXW: `br x16`.
       A forward branch that lands anywhere past the case's last word still returns. */
    mov     x13, x10
8:  cmp     x13, #MAXW
    b.hs    9f
    lsl     x14, x13, #2
    mov     x15, #RETLIT
    sub     x15, x15, x14
    lsr     x15, x15, #2
    lsl     x15, x15, #5
    mov     w14, #0x58000000
    orr     w14, w14, w15
    orr     w14, w14, #16
    str     w14, [x12, x13, lsl #2]
    add     x13, x13, #1
    b       8b
9:  ldr     w14, =0xd61f0200            /* br x16 */
    str     w14, [x12, x13, lsl #2]

    /* make the new code visible to instruction fetch (as __clear_cache does) */
    mrs     x3, ctr_el0
    ubfx    x4, x3, #16, #4            /* DminLine, log2 words */
    mov     x5, #4
    lsl     x4, x5, x4                 /* D line bytes */
    and     x6, x3, #0xf
    lsl     x6, x5, x6                 /* I line bytes */
    ldr     x0, =CODE
    add     x1, x0, #4 * MAXW + 4      /* end of the epilogue */
    sub     x7, x4, #1
    bic     x2, x0, x7
4:  dc      cvau, x2
    add     x2, x2, x4
    cmp     x2, x1
    b.lo    4b
    dsb     ish
    sub     x7, x6, #1
    bic     x2, x0, x7
5:  ic      ivau, x2
    add     x2, x2, x6
    cmp     x2, x1
    b.lo    5b
    dsb     ish
    isb

    /* the data buffer */
    ldr     x0, =rec_in + 1048
    ldr     x1, =DATA
    mov     x2, #BUFSZ
6:  ldp     x3, x4, [x0], #16
    stp     x3, x4, [x1], #16
    subs    x2, x2, #16
    b.ne    6b

    /* SIMD&FP state: FPCR, FPSR, V0..V31 */
    ldr     x17, =rec_in + 520
    ldr     x16, [x17, #0]
    msr     fpcr, x16
    ldr     x16, [x17, #8]
    msr     fpsr, x16
    add     x17, x17, #16
    ldp     q0, q1, [x17, #0]
    ldp     q2, q3, [x17, #32]
    ldp     q4, q5, [x17, #64]
    ldp     q6, q7, [x17, #96]
    ldp     q8, q9, [x17, #128]
    ldp     q10, q11, [x17, #160]
    ldp     q12, q13, [x17, #192]
    ldp     q14, q15, [x17, #224]
    ldp     q16, q17, [x17, #256]
    ldp     q18, q19, [x17, #288]
    ldp     q20, q21, [x17, #320]
    ldp     q22, q23, [x17, #352]
    ldp     q24, q25, [x17, #384]
    ldp     q26, q27, [x17, #416]
    ldp     q28, q29, [x17, #448]
    ldp     q30, q31, [x17, #480]

    /* registers and flags, then into the case */
    ldr     x17, =rec_in + 264
    ldr     x16, [x17, #248]
    msr     nzcv, x16
    ldp     x0, x1, [x17, #0]
    ldp     x2, x3, [x17, #16]
    ldp     x4, x5, [x17, #32]
    ldp     x6, x7, [x17, #48]
    ldp     x8, x9, [x17, #64]
    ldp     x10, x11, [x17, #80]
    ldp     x12, x13, [x17, #96]
    ldp     x14, x15, [x17, #112]
    ldp     x18, x19, [x17, #144]
    ldp     x20, x21, [x17, #160]
    ldp     x22, x23, [x17, #176]
    ldp     x24, x25, [x17, #192]
    ldp     x26, x27, [x17, #208]
    ldp     x28, x29, [x17, #224]
    ldr     x30, [x17, #240]
    ldr     x16, =CODE
    br      x16

    .balign 8
case_return:
    /* x16 = this address, x17 = the input record pointer: both reserved */
    ldr     x17, =rec_out
    stp     x0, x1, [x17, #0]
    stp     x2, x3, [x17, #16]
    stp     x4, x5, [x17, #32]
    stp     x6, x7, [x17, #48]
    stp     x8, x9, [x17, #64]
    stp     x10, x11, [x17, #80]
    stp     x12, x13, [x17, #96]
    stp     x14, x15, [x17, #112]
    stp     xzr, xzr, [x17, #128]
    stp     x18, x19, [x17, #144]
    stp     x20, x21, [x17, #160]
    stp     x22, x23, [x17, #176]
    stp     x24, x25, [x17, #192]
    stp     x26, x27, [x17, #208]
    stp     x28, x29, [x17, #224]
    str     x30, [x17, #240]
    mrs     x16, nzcv
    str     x16, [x17, #248]
    mrs     x16, fpcr
    str     x16, [x17, #256]
    mrs     x16, fpsr
    str     x16, [x17, #264]
    add     x16, x17, #272
    stp     q0, q1, [x16, #0]
    stp     q2, q3, [x16, #32]
    stp     q4, q5, [x16, #64]
    stp     q6, q7, [x16, #96]
    stp     q8, q9, [x16, #128]
    stp     q10, q11, [x16, #160]
    stp     q12, q13, [x16, #192]
    stp     q14, q15, [x16, #224]
    stp     q16, q17, [x16, #256]
    stp     q18, q19, [x16, #288]
    stp     q20, q21, [x16, #320]
    stp     q22, q23, [x16, #352]
    stp     q24, q25, [x16, #384]
    stp     q26, q27, [x16, #416]
    stp     q28, q29, [x16, #448]
    stp     q30, q31, [x16, #480]
    ldr     x0, =DATA
    add     x1, x17, #784
    mov     x2, #BUFSZ
7:  ldp     x3, x4, [x0], #16
    stp     x3, x4, [x1], #16
    subs    x2, x2, #16
    b.ne    7b
    ldr     x1, =rec_out
    ldr     x2, =REC_OUT
    bl      write_full
    b       next_case

done:
    mov     x0, #0
    mov     x8, #SYS_exit_group
    svc     #0
fail:
    mov     x0, #2
    mov     x8, #SYS_exit_group
    svc     #0

/* read_full(x1 = buf, x2 = len): exactly len bytes from fd 0, or exit(2) on EOF/error. */
read_full:
    mov     x9, x1
    mov     x10, x2
1:  cbz     x10, 2f
    mov     x0, #0
    mov     x1, x9
    mov     x2, x10
    mov     x8, #SYS_read
    svc     #0
    cmp     x0, #0
    b.le    fail
    add     x9, x9, x0
    sub     x10, x10, x0
    b       1b
2:  ret

/* write_full(x1 = buf, x2 = len) to fd 1. */
write_full:
    mov     x9, x1
    mov     x10, x2
1:  cbz     x10, 2f
    mov     x0, #1
    mov     x1, x9
    mov     x2, x10
    mov     x8, #SYS_write
    svc     #0
    cmp     x0, #0
    b.le    fail
    add     x9, x9, x0
    sub     x10, x10, x0
    b       1b
2:  ret

    .ltorg

    .bss
    .balign 16
hdr:       .space 8
remaining: .space 8
rec_in:    .space REC_IN
    .balign 16
rec_out:   .space REC_OUT
