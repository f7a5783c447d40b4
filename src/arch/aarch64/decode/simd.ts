/**
 * Advanced SIMD, integer part (Arm ARM DDI 0487K.a C4.1.95 "Data Processing -- Scalar
 * Floating-Point and Advanced SIMD"): three same, three different, two-register misc, across
 * lanes, copy, modified immediate, shift by immediate, vector x indexed element, permute, EXT,
 * TBL/TBX, and the scalar forms. Only the integer opcodes are claimed; the floating-point
 * opcodes of the same groups are decode/fp.ts's. Rows are generated from per-group tables of
 * (name, U, opcode); reserved size/Q combinations inside a row are UNDEFINED in the executor.
 */
import type { Row } from './pattern.js';
import { simdThreeSame, simdAddpScalar } from '../exec/simd-three-same.js';
import { simdThreeDiff, simdByElem } from '../exec/simd-widen.js';
import { simdMisc, simdAcross } from '../exec/simd-misc.js';
import { simdShiftImm } from '../exec/simd-shift.js';
import { simdPermute, simdExt, simdTbl, simdCopy, simdModImm } from '../exec/simd-permute.js';

const out: Row[] = [];
const F = 'advsimd' as const;

/** [name, U ('0', '1' or '-' for both), opcode bits, also a scalar form]. */
type Op = readonly [string, string, string, boolean];

// ---- Three same: 0 Q U 01110 size 1 Rm opcode 1 Rn Rd / 01 U 11110 size 1 Rm opcode 1 Rn Rd ----

const THREE_SAME: readonly Op[] = [
  ['SHADD', '0', '00000', false], ['UHADD', '1', '00000', false],
  ['SQADD', '0', '00001', true], ['UQADD', '1', '00001', true],
  ['SRHADD', '0', '00010', false], ['URHADD', '1', '00010', false],
  ['SHSUB', '0', '00100', false], ['UHSUB', '1', '00100', false],
  ['SQSUB', '0', '00101', true], ['UQSUB', '1', '00101', true],
  ['CMGT', '0', '00110', true], ['CMHI', '1', '00110', true],
  ['CMGE', '0', '00111', true], ['CMHS', '1', '00111', true],
  ['SSHL', '0', '01000', true], ['USHL', '1', '01000', true],
  ['SQSHL', '0', '01001', true], ['UQSHL', '1', '01001', true],
  ['SRSHL', '0', '01010', true], ['URSHL', '1', '01010', true],
  ['SQRSHL', '0', '01011', true], ['UQRSHL', '1', '01011', true],
  ['SMAX', '0', '01100', false], ['UMAX', '1', '01100', false],
  ['SMIN', '0', '01101', false], ['UMIN', '1', '01101', false],
  ['SABD', '0', '01110', false], ['UABD', '1', '01110', false],
  ['SABA', '0', '01111', false], ['UABA', '1', '01111', false],
  ['ADD', '0', '10000', true], ['SUB', '1', '10000', true],
  ['CMTST', '0', '10001', true], ['CMEQ', '1', '10001', true],
  ['MLA', '0', '10010', false], ['MLS', '1', '10010', false],
  ['MUL', '0', '10011', false], ['PMUL', '1', '10011', false],
  ['SMAXP', '0', '10100', false], ['UMAXP', '1', '10100', false],
  ['SMINP', '0', '10101', false], ['UMINP', '1', '10101', false],
  ['SQDMULH', '0', '10110', true], ['SQRDMULH', '1', '10110', true],
  ['ADDP', '0', '10111', false],
];
for (const [name, u, opcode, sc] of THREE_SAME) {
  out.push({ name: `${name}_v`, pattern: `0 Q:1 U=${u} 01110 size:2 1 rm:5 opcode=${opcode} 1 rn:5 rd:5`, exec: simdThreeSame, feature: F });
  if (sc) out.push({ name: `${name}_s`, pattern: `01 U=${u} 11110 size:2 1 rm:5 opcode=${opcode} 1 rn:5 rd:5`, exec: simdThreeSame, feature: F });
}
// AND/BIC/ORR/ORN (U = 0) and EOR/BSL/BIT/BIF (U = 1): opcode 00011, size = opc.
const LOGIC = [['AND', 'BIC', 'ORR', 'ORN'], ['EOR', 'BSL', 'BIT', 'BIF']];
LOGIC.forEach((names, u) => names.forEach((name, opc) => {
  const size = opc.toString(2).padStart(2, '0');
  out.push({ name: `${name}_v`, pattern: `0 Q:1 U=${u} 01110 size=${size} 1 rm:5 opcode=00011 1 rn:5 rd:5`, exec: simdThreeSame, feature: F });
}));

// ---- Three different: 0 Q U 01110 size 1 Rm opcode 00 Rn Rd --------------------------------------

const THREE_DIFF: readonly Op[] = [
  ['SADDL', '0', '0000', false], ['UADDL', '1', '0000', false],
  ['SADDW', '0', '0001', false], ['UADDW', '1', '0001', false],
  ['SSUBL', '0', '0010', false], ['USUBL', '1', '0010', false],
  ['SSUBW', '0', '0011', false], ['USUBW', '1', '0011', false],
  ['ADDHN', '0', '0100', false], ['RADDHN', '1', '0100', false],
  ['SABAL', '0', '0101', false], ['UABAL', '1', '0101', false],
  ['SUBHN', '0', '0110', false], ['RSUBHN', '1', '0110', false],
  ['SABDL', '0', '0111', false], ['UABDL', '1', '0111', false],
  ['SMLAL', '0', '1000', false], ['UMLAL', '1', '1000', false],
  ['SQDMLAL', '0', '1001', true],
  ['SMLSL', '0', '1010', false], ['UMLSL', '1', '1010', false],
  ['SQDMLSL', '0', '1011', true],
  ['SMULL', '0', '1100', false], ['UMULL', '1', '1100', false],
  ['SQDMULL', '0', '1101', true],
];
for (const [name, u, opcode, sc] of THREE_DIFF) {
  out.push({ name: `${name}_v`, pattern: `0 Q:1 U=${u} 01110 size:2 1 rm:5 opcode=${opcode} 00 rn:5 rd:5`, exec: simdThreeDiff, feature: F });
  if (sc) out.push({ name: `${name}_s`, pattern: `01 U=${u} 11110 size:2 1 rm:5 opcode=${opcode} 00 rn:5 rd:5`, exec: simdThreeDiff, feature: F });
}
// PMULL: size 00 (8-bit, base), size 11 (64-bit, FEAT_PMULL); 01/10 reserved (left unclaimed).
out.push({ name: 'PMULL_8', pattern: '0 Q:1 U=0 01110 size=00 1 rm:5 opcode=1110 00 rn:5 rd:5', exec: simdThreeDiff, feature: F });
out.push({ name: 'PMULL_64', pattern: '0 Q:1 U=0 01110 size=11 1 rm:5 opcode=1110 00 rn:5 rd:5', exec: simdThreeDiff, feature: 'pmull' });

// ---- Two-register misc: 0 Q U 01110 size 10000 opcode 10 Rn Rd / 01 U 11110 size 10000 opcode 10 ----

const MISC: readonly Op[] = [
  ['REV64', '0', '00000', false], ['REV32', '1', '00000', false],
  ['REV16', '0', '00001', false],
  ['SADDLP', '0', '00010', false], ['UADDLP', '1', '00010', false],
  ['SUQADD', '0', '00011', true], ['USQADD', '1', '00011', true],
  ['CLS', '0', '00100', false], ['CLZ', '1', '00100', false],
  ['CNT', '0', '00101', false],
  ['SADALP', '0', '00110', false], ['UADALP', '1', '00110', false],
  ['SQABS', '0', '00111', true], ['SQNEG', '1', '00111', true],
  ['CMGT_zero', '0', '01000', true], ['CMGE_zero', '1', '01000', true],
  ['CMEQ_zero', '0', '01001', true], ['CMLE_zero', '1', '01001', true],
  ['CMLT_zero', '0', '01010', true],
  ['ABS', '0', '01011', true], ['NEG', '1', '01011', true],
  ['XTN', '0', '10010', false], ['SQXTUN', '1', '10010', true],
  ['SHLL', '1', '10011', false],
  ['SQXTN', '0', '10100', true], ['UQXTN', '1', '10100', true],
];
for (const [name, u, opcode, sc] of MISC) {
  out.push({ name: `${name}_v`, pattern: `0 Q:1 U=${u} 01110 size:2 10000 opcode=${opcode} 10 rn:5 rd:5`, exec: simdMisc, feature: F });
  if (sc) out.push({ name: `${name}_s`, pattern: `01 U=${u} 11110 size:2 10000 opcode=${opcode} 10 rn:5 rd:5`, exec: simdMisc, feature: F });
}

out.push({ name: 'NOT_v', pattern: '0 Q:1 U=1 01110 size=00 10000 opcode=00101 10 rn:5 rd:5', exec: simdMisc, feature: F });
out.push({ name: 'RBIT_v', pattern: '0 Q:1 U=1 01110 size=01 10000 opcode=00101 10 rn:5 rd:5', exec: simdMisc, feature: F });

// ---- Across lanes: 0 Q U 01110 size 11000 opcode 10 Rn Rd ----------------------------------------

const ACROSS: readonly (readonly [string, string, string])[] = [
  ['SADDLV', '0', '00011'], ['UADDLV', '1', '00011'],
  ['SMAXV', '0', '01010'], ['UMAXV', '1', '01010'],
  ['SMINV', '0', '11010'], ['UMINV', '1', '11010'],
  ['ADDV', '0', '11011'],
];
for (const [name, u, opcode] of ACROSS) {
  out.push({ name, pattern: `0 Q:1 U=${u} 01110 size:2 11000 opcode=${opcode} 10 rn:5 rd:5`, exec: simdAcross, feature: F });
}
// Scalar pairwise ADDP (D only: other sizes UNDEFINED in the executor).
out.push({ name: 'ADDP_s', pattern: '01 U=0 11110 size:2 11000 opcode=11011 10 rn:5 rd:5', exec: simdAddpScalar, feature: F });

// ---- Copy: 0 Q op 01110000 imm5 0 imm4 1 Rn Rd -----------------------------------------------------

out.push({ name: 'DUP_elem_v', pattern: '0 Q:1 op=0 01110000 imm5:5 0 imm4=0000 1 rn:5 rd:5', exec: simdCopy, feature: F });
out.push({ name: 'DUP_gen', pattern: '0 Q:1 op=0 01110000 imm5:5 0 imm4=0001 1 rn:5 rd:5', exec: simdCopy, feature: F });
out.push({ name: 'INS_gen', pattern: '0 Q=1 op=0 01110000 imm5:5 0 imm4=0011 1 rn:5 rd:5', exec: simdCopy, feature: F });
out.push({ name: 'SMOV', pattern: '0 Q:1 op=0 01110000 imm5:5 0 imm4=0101 1 rn:5 rd:5', exec: simdCopy, feature: F });
out.push({ name: 'UMOV', pattern: '0 Q:1 op=0 01110000 imm5:5 0 imm4=0111 1 rn:5 rd:5', exec: simdCopy, feature: F });
out.push({ name: 'INS_elem', pattern: '0 Q=1 op=1 01110000 imm5:5 0 imm4:4 1 rn:5 rd:5', exec: simdCopy, feature: F });
out.push({ name: 'DUP_elem_s', pattern: '01 op=0 11110000 imm5:5 0 imm4=0000 1 rn:5 rd:5', exec: simdCopy, feature: F });

// ---- Modified immediate: 0 Q op 0111100000 a b c cmode o2 1 d e f g h Rd --------------------------

const MODIMM: readonly (readonly [string, string, string])[] = [
  ['MOVI_32', '0', '0--0'], ['ORR_imm_32', '0', '0--1'], ['MOVI_16', '0', '10-0'], ['ORR_imm_16', '0', '10-1'],
  ['MOVI_msl', '0', '110-'], ['MOVI_8', '0', '1110'], ['FMOV_v_imm_S', '0', '1111'],
  ['MVNI_32', '1', '0--0'], ['BIC_imm_32', '1', '0--1'], ['MVNI_16', '1', '10-0'], ['BIC_imm_16', '1', '10-1'],
  ['MVNI_msl', '1', '110-'], ['MOVI_64', '1', '1110'], ['FMOV_v_imm_D', '1', '1111'],
];
for (const [name, op, cmode] of MODIMM) {
  out.push({ name, pattern: `0 Q:1 op=${op} 0111100000 abc:3 cmode=${cmode} o2=0 1 defgh:5 rd:5`, exec: simdModImm, feature: F });
}
out.push({ name: 'FMOV_v_imm_H', pattern: '0 Q:1 op=0 0111100000 abc:3 cmode=1111 o2=1 1 defgh:5 rd:5', exec: simdModImm, feature: 'fp16' });

// ---- Shift by immediate: 0 Q U 011110 immh immb opcode 1 Rn Rd (immh != 0) / 01 U 111110 ... ------

const SHIFT: readonly Op[] = [
  ['SSHR', '0', '00000', true], ['USHR', '1', '00000', true],
  ['SSRA', '0', '00010', true], ['USRA', '1', '00010', true],
  ['SRSHR', '0', '00100', true], ['URSHR', '1', '00100', true],
  ['SRSRA', '0', '00110', true], ['URSRA', '1', '00110', true],
  ['SRI', '1', '01000', true],
  ['SHL', '0', '01010', true], ['SLI', '1', '01010', true],
  ['SQSHLU', '1', '01100', true],
  ['SQSHL_imm', '0', '01110', true], ['UQSHL_imm', '1', '01110', true],
  ['SHRN', '0', '10000', false], ['SQSHRUN', '1', '10000', true],
  ['RSHRN', '0', '10001', false], ['SQRSHRUN', '1', '10001', true],
  ['SQSHRN', '0', '10010', true], ['UQSHRN', '1', '10010', true],
  ['SQRSHRN', '0', '10011', true], ['UQRSHRN', '1', '10011', true],
  ['SSHLL', '0', '10100', false], ['USHLL', '1', '10100', false],
];
// immh = 0000 is the modified immediate group: the vector rows split immh by its top set bit.
const IMMH: readonly (readonly [string, string])[] = [['B', '0001'], ['H', '001-'], ['S', '01--'], ['D', '1---']];
for (const [name, u, opcode, sc] of SHIFT) {
  for (const [sz, immh] of IMMH) {
    out.push({ name: `${name}_v_${sz}`, pattern: `0 Q:1 U=${u} 011110 immh=${immh} immb:3 opcode=${opcode} 1 rn:5 rd:5`, exec: simdShiftImm, feature: F });
  }
  if (sc) out.push({ name: `${name}_s`, pattern: `01 U=${u} 111110 immh:4 immb:3 opcode=${opcode} 1 rn:5 rd:5`, exec: simdShiftImm, feature: F });
}

// ---- Vector x indexed element (integer): 0 Q U 01111 size L M Rm opcode H 0 Rn Rd ---------------

const BY_ELEM: readonly Op[] = [
  ['MLA_elem', '1', '0000', false],
  ['SMLAL_elem', '0', '0010', false], ['UMLAL_elem', '1', '0010', false],
  ['SQDMLAL_elem', '0', '0011', true],
  ['MLS_elem', '1', '0100', false],
  ['SMLSL_elem', '0', '0110', false], ['UMLSL_elem', '1', '0110', false],
  ['SQDMLSL_elem', '0', '0111', true],
  ['MUL_elem', '0', '1000', false],
  ['SMULL_elem', '0', '1010', false], ['UMULL_elem', '1', '1010', false],
  ['SQDMULL_elem', '0', '1011', true],
  ['SQDMULH_elem', '0', '1100', true],
  ['SQRDMULH_elem', '0', '1101', true],
];
for (const [name, u, opcode, sc] of BY_ELEM) {
  out.push({ name: `${name}_v`, pattern: `0 Q:1 U=${u} 01111 size:2 L:1 M:1 rm:4 opcode=${opcode} H:1 0 rn:5 rd:5`, exec: simdByElem, feature: F });
  if (sc) out.push({ name: `${name}_s`, pattern: `01 U=${u} 11111 size:2 L:1 M:1 rm:4 opcode=${opcode} H:1 0 rn:5 rd:5`, exec: simdByElem, feature: F });
}

// ---- Permute, EXT, TBL/TBX -------------------------------------------------------------------------

const PERMUTE: readonly (readonly [string, string])[] = [
  ['UZP1', '001'], ['TRN1', '010'], ['ZIP1', '011'], ['UZP2', '101'], ['TRN2', '110'], ['ZIP2', '111'],
];
for (const [name, opcode] of PERMUTE) {
  out.push({ name, pattern: `0 Q:1 001110 size:2 0 rm:5 0 opcode=${opcode} 10 rn:5 rd:5`, exec: simdPermute, feature: F });
}
out.push({ name: 'EXT', pattern: '0 Q:1 101110 op2=00 0 rm:5 0 imm4:4 0 rn:5 rd:5', exec: simdExt, feature: F });
out.push({ name: 'TBL', pattern: '0 Q:1 001110 op2=00 0 rm:5 0 len:2 op=0 00 rn:5 rd:5', exec: simdTbl, feature: F });
out.push({ name: 'TBX', pattern: '0 Q:1 001110 op2=00 0 rm:5 0 len:2 op=1 00 rn:5 rd:5', exec: simdTbl, feature: F });

export const rows: readonly Row[] = out;
