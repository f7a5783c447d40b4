/**
 * Advanced SIMD load/store multiple structures and single structure (Arm ARM DDI 0487K.a
 * C4.1.94: LD1-LD4/ST1-ST4 multiple and single structure, LD1R-LD4R) are all decoded by
 * decode/ldst.ts (rows LDn_mult*, LDn_single_*, LDnR*, executors in exec/ldst-simd.ts), next to
 * the other SIMD&FP register loads and stores. This table stays empty so that no encoding is
 * claimed twice (tests/arch/aarch64/decode-table.test.ts).
 */
import type { Row } from './pattern.js';

export const rows: readonly Row[] = [];
