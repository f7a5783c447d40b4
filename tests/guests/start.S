/*
 * Freestanding runtime for typevisor's bare-metal AArch64 test guests.
 * Entered at _start (0x40080000) in EL1h with the MMU off. x0..x3 are ignored.
 */
        .file   "start.S"
#define FRAME_SIZE 288          /* struct exc_frame in runtime.h */

        .section .text.boot, "ax"
        .global _start
_start:
        msr     daifset, #0xf
#ifdef FP_GUEST
        /* Guests built with FP/SIMD (guests.json "fp": true): CPACR_EL1.FPEN = 0b11 before any
         * compiled code runs (the compiler may use SIMD&FP registers anywhere, printf included). */
        mov     x0, #(3 << 20)
        msr     cpacr_el1, x0
        isb
#endif
#ifdef MEASURE
        mrs     x9, cntvct_el0          /* stored in measure_t0 once .bss is zeroed */
#endif
        /* SCTLR_EL1: MMU, caches and alignment checks off, RES1 bits set (Linux INIT_SCTLR_EL1_MMU_OFF). */
        movz    x0, #0x0800
        movk    x0, #0x30d0, lsl #16
#ifdef ALIGN_CHECK
        orr     x0, x0, #2              /* SCTLR_EL1.A: build.sh's alignment self-check only */
#endif
        msr     sctlr_el1, x0
        isb
        adrp    x0, __stack_top
        add     x0, x0, :lo12:__stack_top
        mov     sp, x0
        /* zero .bss (16-byte aligned both ends, stack included) */
        adrp    x0, __bss_start
        add     x0, x0, :lo12:__bss_start
        adrp    x1, __bss_end
        add     x1, x1, :lo12:__bss_end
1:      cmp     x0, x1
        b.hs    2f
        stp     xzr, xzr, [x0], #16
        b       1b
2:
#ifdef MEASURE
        adrp    x0, measure_t0
        str     x9, [x0, :lo12:measure_t0]
#endif
        adrp    x0, vectors
        add     x0, x0, :lo12:vectors
        msr     vbar_el1, x0
        isb
        mov     x29, xzr
        mov     x30, xzr
        bl      main
        bl      poweroff
3:      wfi
        b       3b

/* void poweroff(void): PSCI SYSTEM_OFF through the HVC conduit. */
        .text
        .global poweroff
        .type   poweroff, %function
poweroff:
        movz    x0, #0x0008
        movk    x0, #0x8400, lsl #16
        hvc     #0
1:      wfi
        b       1b
        .size   poweroff, . - poweroff

/* Exception vectors: every entry saves a struct exc_frame and calls exc_dispatch(frame, index). */
        .macro  VENTRY idx
        .balign 0x80
        sub     sp, sp, #FRAME_SIZE
        stp     x0, x1, [sp, #0]
        mov     x0, #\idx
        b       exc_common
        .endm

        .balign 0x800
        .global vectors
vectors:
        VENTRY  0       /* current EL, SP_EL0: sync */
        VENTRY  1       /*                     IRQ */
        VENTRY  2       /*                     FIQ */
        VENTRY  3       /*                     SError */
        VENTRY  4       /* current EL, SP_ELx: sync */
        VENTRY  5
        VENTRY  6
        VENTRY  7
        VENTRY  8       /* lower EL, AArch64: sync */
        VENTRY  9
        VENTRY  10
        VENTRY  11
        VENTRY  12      /* lower EL, AArch32 */
        VENTRY  13
        VENTRY  14
        VENTRY  15

exc_common:
        stp     x2, x3, [sp, #16]
        stp     x4, x5, [sp, #32]
        stp     x6, x7, [sp, #48]
        stp     x8, x9, [sp, #64]
        stp     x10, x11, [sp, #80]
        stp     x12, x13, [sp, #96]
        stp     x14, x15, [sp, #112]
        stp     x16, x17, [sp, #128]
        stp     x18, x19, [sp, #144]
        stp     x20, x21, [sp, #160]
        stp     x22, x23, [sp, #176]
        stp     x24, x25, [sp, #192]
        stp     x26, x27, [sp, #208]
        stp     x28, x29, [sp, #224]
        mrs     x1, sp_el0
        stp     x30, x1, [sp, #240]
        mrs     x1, elr_el1
        mrs     x2, spsr_el1
        stp     x1, x2, [sp, #256]
        mrs     x1, esr_el1
        mrs     x2, far_el1
        stp     x1, x2, [sp, #272]
        mov     x1, x0
        mov     x0, sp
        bl      exc_dispatch
        ldp     x1, x2, [sp, #256]
        msr     elr_el1, x1
        msr     spsr_el1, x2
        ldp     x30, x1, [sp, #240]
        msr     sp_el0, x1
        ldp     x2, x3, [sp, #16]
        ldp     x4, x5, [sp, #32]
        ldp     x6, x7, [sp, #48]
        ldp     x8, x9, [sp, #64]
        ldp     x10, x11, [sp, #80]
        ldp     x12, x13, [sp, #96]
        ldp     x14, x15, [sp, #112]
        ldp     x16, x17, [sp, #128]
        ldp     x18, x19, [sp, #144]
        ldp     x20, x21, [sp, #160]
        ldp     x22, x23, [sp, #176]
        ldp     x24, x25, [sp, #192]
        ldp     x26, x27, [sp, #208]
        ldp     x28, x29, [sp, #224]
        ldp     x0, x1, [sp, #0]
        add     sp, sp, #FRAME_SIZE
        eret

/*
 * u64 run_el0(u64 (*fn)(u64), u64 arg, void *sp_el0_top)
 * ERETs to EL0t running fn(arg) on the given stack; el0_entry ends with SVC #0, whose handler
 * (el0_exit() in runtime.c) returns to run_el0_return in EL1h with x0 = fn's result.
 */
        .global run_el0
        .type   run_el0, %function
run_el0:
        stp     x29, x30, [sp, #-96]!
        stp     x19, x20, [sp, #16]
        stp     x21, x22, [sp, #32]
        stp     x23, x24, [sp, #48]
        stp     x25, x26, [sp, #64]
        stp     x27, x28, [sp, #80]
        mov     x3, sp
        adrp    x4, el1_saved_sp
        str     x3, [x4, :lo12:el1_saved_sp]
        msr     sp_el0, x2
        adrp    x4, el0_entry
        add     x4, x4, :lo12:el0_entry
        msr     elr_el1, x4
        msr     spsr_el1, xzr           /* EL0t, DAIF clear, NZCV clear */
        mov     x19, x0
        mov     x0, x1
        mov     x1, x19
        mov     x29, xzr
        mov     x30, xzr
        isb
        eret
        .size   run_el0, . - run_el0

        .global run_el0_return
run_el0_return:
        ldp     x19, x20, [sp, #16]
        ldp     x21, x22, [sp, #32]
        ldp     x23, x24, [sp, #48]
        ldp     x25, x26, [sp, #64]
        ldp     x27, x28, [sp, #80]
        ldp     x29, x30, [sp], #96
        ret

        .global el0_entry
el0_entry:
        blr     x1
        svc     #0
1:      b       1b

        .bss
        .balign 8
        .global measure_t0
measure_t0:
        .space  8
        .global el1_saved_sp
el1_saved_sp:
        .space  8
        .balign 16
        .global __stack_bottom
__stack_bottom:
        .space  0x10000
        .global __stack_top
__stack_top:
