/**
 * Scalar floating-point and the floating-point parts of Advanced SIMD (Arm ARM DDI 0487K.a
 * C4.1.96 "Data Processing -- Scalar Floating-Point and Advanced SIMD"). Scalar FP rows are
 * gated on FEAT_FP ('fp'), their half-precision (ftype = 11) arithmetic forms on FEAT_FP16;
 * FCVT to/from half is base. AdvSIMD FP rows claim only the FP opcodes of each group (the
 * integer opcodes are decode/simd.ts's); their half-precision forms (the FP16 three same and
 * two-register misc groups, size 00 by element, U = 0 across lanes and scalar pairwise, immh
 * 001x conversions) are gated on FEAT_FP16.
 */
import type { Row } from './pattern.js';
import { fp1Src, fp2Src, fp3Src, fpCmp, fpCcmp, fpCsel, fpImm, fpCvtInt, fpCvtFixed } from '../exec/fp-scalar.js';
import { fpThreeSameVec, fpThreeSameScalar, fpByElem, fpAcross, fpPairwiseScalar } from '../exec/fp-vector.js';
import { fpMisc, fpShiftCvt } from '../exec/fp-vector-misc.js';

const out: Row[] = [];
const FP = 'fp' as const;
const SIMD = 'advsimd' as const;

/** Scalar ftype variants: single/double (FEAT_FP) and half (FEAT_FP16). */
const FTYPES: readonly (readonly [string, string, 'fp' | 'fp16'])[] = [['', '0-', FP], ['_H', '11', 'fp16']];

// ---- FP data-processing (1 source): M 0 S 11110 ftype 1 opcode 10000 Rn Rd ----------------------
const ONE_SRC: readonly (readonly [string, string])[] = [
  ['FMOV_reg', '000000'], ['FABS', '000001'], ['FNEG', '000010'], ['FSQRT', '000011'],
  ['FRINTN', '001000'], ['FRINTP', '001001'], ['FRINTM', '001010'], ['FRINTZ', '001011'],
  ['FRINTA', '001100'], ['FRINTX', '001110'], ['FRINTI', '001111'],
];
for (const [sfx, ft, feat] of FTYPES) {
  for (const [name, opc] of ONE_SRC) {
    out.push({ name: name + sfx, pattern: `0 0 0 11110 ftype=${ft} 1 opcode=${opc} 10000 rn:5 rd:5`, exec: fp1Src, feature: feat });
  }
}
// FCVT between precisions (opc = destination type; same-type and BFCVT encodings UNDEFINED).
out.push({ name: 'FCVT', pattern: '0 0 0 11110 ftype:2 1 0001 opc:2 10000 rn:5 rd:5', exec: fp1Src, feature: FP });

// ---- FP data-processing (2 source): M 0 S 11110 ftype 1 Rm opcode 10 Rn Rd ---------------------
const TWO_SRC: readonly (readonly [string, string])[] = [
  ['FMUL', '0000'], ['FDIV', '0001'], ['FADD', '0010'], ['FSUB', '0011'], ['FMAX', '0100'],
  ['FMIN', '0101'], ['FMAXNM', '0110'], ['FMINNM', '0111'], ['FNMUL', '1000'],
];
// ---- FP data-processing (3 source): M 0 S 11111 ftype o1 Rm o0 Ra Rn Rd -----------------------
const THREE_SRC: readonly (readonly [string, string, string])[] = [
  ['FMADD', '0', '0'], ['FMSUB', '0', '1'], ['FNMADD', '1', '0'], ['FNMSUB', '1', '1'],
];
for (const [sfx, ft, feat] of FTYPES) {
  for (const [name, opc] of TWO_SRC) {
    out.push({ name: name + sfx, pattern: `0 0 0 11110 ftype=${ft} 1 rm:5 opcode=${opc} 10 rn:5 rd:5`, exec: fp2Src, feature: feat });
  }
  for (const [name, o1, o0] of THREE_SRC) {
    out.push({ name: name + sfx, pattern: `0 0 0 11111 ftype=${ft} o1=${o1} rm:5 o0=${o0} ra:5 rn:5 rd:5`, exec: fp3Src, feature: feat });
  }
  // Compare: op = 00, opcode2 = E:Z:000 (E signals on quiet NaNs, Z compares with +0.0).
  out.push({ name: 'FCMP' + sfx, pattern: `0 0 0 11110 ftype=${ft} 1 rm:5 00 1000 rn:5 0 z:1 000`, exec: fpCmp, feature: feat });
  out.push({ name: 'FCMPE' + sfx, pattern: `0 0 0 11110 ftype=${ft} 1 rm:5 00 1000 rn:5 1 z:1 000`, exec: fpCmp, feature: feat });
  out.push({ name: 'FCCMP' + sfx, pattern: `0 0 0 11110 ftype=${ft} 1 rm:5 cond:4 01 rn:5 op=0 nzcv:4`, exec: fpCcmp, feature: feat });
  out.push({ name: 'FCCMPE' + sfx, pattern: `0 0 0 11110 ftype=${ft} 1 rm:5 cond:4 01 rn:5 op=1 nzcv:4`, exec: fpCcmp, feature: feat });
  out.push({ name: 'FCSEL' + sfx, pattern: `0 0 0 11110 ftype=${ft} 1 rm:5 cond:4 11 rn:5 rd:5`, exec: fpCsel, feature: feat });
  out.push({ name: 'FMOV_imm' + sfx, pattern: `0 0 0 11110 ftype=${ft} 1 imm8:8 100 imm5=00000 rd:5`, exec: fpImm, feature: feat });

  // ---- Conversion between FP and integer: sf 0 S 11110 ftype 1 rmode opcode 000000 Rn Rd -------
  const CVT: readonly (readonly [string, string, string])[] = [
    ['FCVTNS', '00', '000'], ['FCVTNU', '00', '001'], ['SCVTF', '00', '010'], ['UCVTF', '00', '011'],
    ['FCVTAS', '00', '100'], ['FCVTAU', '00', '101'], ['FCVTPS', '01', '000'], ['FCVTPU', '01', '001'],
    ['FCVTMS', '10', '000'], ['FCVTMU', '10', '001'], ['FCVTZS', '11', '000'], ['FCVTZU', '11', '001'],
  ];
  for (const [name, rmode, opc] of CVT) {
    out.push({ name: `${name}_int${sfx}`, pattern: `sf:1 0 0 11110 ftype=${ft} 1 rmode=${rmode} opcode=${opc} 000000 rn:5 rd:5`, exec: fpCvtInt, feature: feat });
  }
  // ---- Conversion between FP and fixed-point: sf 0 S 11110 ftype 0 rmode opcode scale Rn Rd ----
  const FIX: readonly (readonly [string, string, string])[] = [
    ['SCVTF', '00', '010'], ['UCVTF', '00', '011'], ['FCVTZS', '11', '000'], ['FCVTZU', '11', '001'],
  ];
  for (const [name, rmode, opc] of FIX) {
    out.push({ name: `${name}_fix${sfx}`, pattern: `sf:1 0 0 11110 ftype=${ft} 0 rmode=${rmode} opcode=${opc} scale:6 rn:5 rd:5`, exec: fpCvtFixed, feature: feat });
  }
}
// FMOV (general): W <-> S, X <-> D, X <-> V.D[1]; W/X <-> H (FEAT_FP16).
out.push({ name: 'FMOV_gen_S', pattern: 'sf=0 0 0 11110 ftype=00 1 rmode=00 opcode=11- 000000 rn:5 rd:5', exec: fpCvtInt, feature: FP });
out.push({ name: 'FMOV_gen_D', pattern: 'sf=1 0 0 11110 ftype=01 1 rmode=00 opcode=11- 000000 rn:5 rd:5', exec: fpCvtInt, feature: FP });
out.push({ name: 'FMOV_gen_D1', pattern: 'sf=1 0 0 11110 ftype=10 1 rmode=01 opcode=11- 000000 rn:5 rd:5', exec: fpCvtInt, feature: FP });
out.push({ name: 'FMOV_gen_H', pattern: 'sf:1 0 0 11110 ftype=11 1 rmode=00 opcode=11- 000000 rn:5 rd:5', exec: fpCvtInt, feature: 'fp16' });

// ---- AdvSIMD three same (FP), single/double: 0 Q U 01110 a sz 1 Rm 11 opcode 1 Rn Rd ------------
/** [name, U, a, opcode<2:0>, has a scalar form, has a vector form]. */
const THREE_SAME: readonly (readonly [string, string, string, string, boolean, boolean])[] = [
  ['FMAXNM', '0', '0', '000', false, true], ['FMLA', '0', '0', '001', false, true], ['FADD', '0', '0', '010', false, true],
  ['FMULX', '0', '0', '011', true, true], ['FCMEQ', '0', '0', '100', true, true], ['FMAX', '0', '0', '110', false, true],
  ['FRECPS', '0', '0', '111', true, true],
  ['FMINNM', '0', '1', '000', false, true], ['FMLS', '0', '1', '001', false, true], ['FSUB', '0', '1', '010', false, true],
  ['FMIN', '0', '1', '110', false, true], ['FRSQRTS', '0', '1', '111', true, true],
  ['FMAXNMP', '1', '0', '000', false, true], ['FADDP', '1', '0', '010', false, true], ['FMUL', '1', '0', '011', false, true],
  ['FCMGE', '1', '0', '100', true, true], ['FACGE', '1', '0', '101', true, true], ['FMAXP', '1', '0', '110', false, true],
  ['FDIV', '1', '0', '111', false, true],
  ['FMINNMP', '1', '1', '000', false, true], ['FABD', '1', '1', '010', true, true], ['FCMGT', '1', '1', '100', true, true],
  ['FACGT', '1', '1', '101', true, true], ['FMINP', '1', '1', '110', false, true],
];
for (const [name, u, a, opc, sc] of THREE_SAME) {
  out.push({ name: `${name}_v`, pattern: `0 Q:1 U=${u} 01110 a=${a} sz:1 1 rm:5 11 opcode=${opc} 1 rn:5 rd:5`, exec: fpThreeSameVec, feature: SIMD });
  if (sc) out.push({ name: `${name}_s`, pattern: `01 U=${u} 11110 a=${a} sz:1 1 rm:5 11 opcode=${opc} 1 rn:5 rd:5`, exec: fpThreeSameScalar, feature: SIMD });
  // Three same FP16: 0 Q U 01110 a 10 Rm 00 opcode 1 Rn Rd (and the scalar form).
  out.push({ name: `${name}_vh`, pattern: `0 Q:1 U=${u} 01110 a=${a} 10 rm:5 00 opcode=${opc} 1 rn:5 rd:5`, exec: fpThreeSameVec, feature: 'fp16' });
  if (sc) out.push({ name: `${name}_sh`, pattern: `01 U=${u} 11110 a=${a} 10 rm:5 00 opcode=${opc} 1 rn:5 rd:5`, exec: fpThreeSameScalar, feature: 'fp16' });
}

// ---- AdvSIMD two-register misc (FP): 0 Q U 01110 a sz 10000 opcode 10 Rn Rd ---------------------
/** [name, U, a, opcode, scalar form, vector form]. */
const MISC: readonly (readonly [string, string, string, string, boolean, boolean])[] = [
  ['FCVTN', '0', '0', '10110', false, true], ['FCVTXN', '1', '0', '10110', true, true], ['FCVTL', '0', '0', '10111', false, true],
  ['FRINTN', '0', '0', '11000', false, true], ['FRINTM', '0', '0', '11001', false, true],
  ['FCVTNS', '0', '0', '11010', true, true], ['FCVTMS', '0', '0', '11011', true, true], ['FCVTAS', '0', '0', '11100', true, true],
  ['SCVTF', '0', '0', '11101', true, true],
  ['FCMGT_zero', '0', '1', '01100', true, true], ['FCMEQ_zero', '0', '1', '01101', true, true], ['FCMLT_zero', '0', '1', '01110', true, true],
  ['FABS', '0', '1', '01111', false, true], ['FRINTP', '0', '1', '11000', false, true], ['FRINTZ', '0', '1', '11001', false, true],
  ['FCVTPS', '0', '1', '11010', true, true], ['FCVTZS', '0', '1', '11011', true, true], ['URECPE', '0', '1', '11100', false, true],
  ['FRECPE', '0', '1', '11101', true, true], ['FRECPX', '0', '1', '11111', true, false],
  ['FRINTA', '1', '0', '11000', false, true], ['FRINTX', '1', '0', '11001', false, true],
  ['FCVTNU', '1', '0', '11010', true, true], ['FCVTMU', '1', '0', '11011', true, true], ['FCVTAU', '1', '0', '11100', true, true],
  ['UCVTF', '1', '0', '11101', true, true],
  ['FCMGE_zero', '1', '1', '01100', true, true], ['FCMLE_zero', '1', '1', '01101', true, true], ['FNEG', '1', '1', '01111', false, true],
  ['FRINTI', '1', '1', '11001', false, true], ['FCVTPU', '1', '1', '11010', true, true], ['FCVTZU', '1', '1', '11011', true, true],
  ['URSQRTE', '1', '1', '11100', false, true], ['FRSQRTE', '1', '1', '11101', true, true], ['FSQRT', '1', '1', '11111', false, true],
];
/** Ops without an FP16 form (narrow/widen conversions, unsigned integer estimates). */
const NO_FP16 = new Set(['FCVTN', 'FCVTXN', 'FCVTL', 'URECPE', 'URSQRTE']);
for (const [name, u, a, opc, sc, vec] of MISC) {
  if (vec) out.push({ name: `${name}_v`, pattern: `0 Q:1 U=${u} 01110 a=${a} sz:1 10000 opcode=${opc} 10 rn:5 rd:5`, exec: fpMisc, feature: SIMD });
  if (sc) out.push({ name: `${name}_s`, pattern: `01 U=${u} 11110 a=${a} sz:1 10000 opcode=${opc} 10 rn:5 rd:5`, exec: fpMisc, feature: SIMD });
  if (NO_FP16.has(name)) continue;
  // Two-register misc FP16: 0 Q U 01110 a 111100 opcode 10 Rn Rd (and the scalar form).
  if (vec) out.push({ name: `${name}_vh`, pattern: `0 Q:1 U=${u} 01110 a=${a} 111100 opcode=${opc} 10 rn:5 rd:5`, exec: fpMisc, feature: 'fp16' });
  if (sc) out.push({ name: `${name}_sh`, pattern: `01 U=${u} 11110 a=${a} 111100 opcode=${opc} 10 rn:5 rd:5`, exec: fpMisc, feature: 'fp16' });
}

// ---- AdvSIMD across lanes (FP, single): 0 Q 1 01110 a 0 11000 opcode 10 Rn Rd -------------------
out.push({ name: 'FMAXNMV', pattern: '0 Q:1 U=1 01110 a=0 sz:1 11000 opcode=01100 10 rn:5 rd:5', exec: fpAcross, feature: SIMD });
out.push({ name: 'FMINNMV', pattern: '0 Q:1 U=1 01110 a=1 sz:1 11000 opcode=01100 10 rn:5 rd:5', exec: fpAcross, feature: SIMD });
out.push({ name: 'FMAXV', pattern: '0 Q:1 U=1 01110 a=0 sz:1 11000 opcode=01111 10 rn:5 rd:5', exec: fpAcross, feature: SIMD });
out.push({ name: 'FMINV', pattern: '0 Q:1 U=1 01110 a=1 sz:1 11000 opcode=01111 10 rn:5 rd:5', exec: fpAcross, feature: SIMD });
out.push({ name: 'FMAXNMV_h', pattern: '0 Q:1 U=0 01110 a=0 0 11000 opcode=01100 10 rn:5 rd:5', exec: fpAcross, feature: 'fp16' });
out.push({ name: 'FMINNMV_h', pattern: '0 Q:1 U=0 01110 a=1 0 11000 opcode=01100 10 rn:5 rd:5', exec: fpAcross, feature: 'fp16' });
out.push({ name: 'FMAXV_h', pattern: '0 Q:1 U=0 01110 a=0 0 11000 opcode=01111 10 rn:5 rd:5', exec: fpAcross, feature: 'fp16' });
out.push({ name: 'FMINV_h', pattern: '0 Q:1 U=0 01110 a=1 0 11000 opcode=01111 10 rn:5 rd:5', exec: fpAcross, feature: 'fp16' });

// ---- AdvSIMD scalar pairwise (FP): 01 1 11110 a sz 11000 opcode 10 Rn Rd ------------------------
out.push({ name: 'FMAXNMP_s', pattern: '01 U=1 11110 a=0 sz:1 11000 opcode=01100 10 rn:5 rd:5', exec: fpPairwiseScalar, feature: SIMD });
out.push({ name: 'FADDP_s', pattern: '01 U=1 11110 a=0 sz:1 11000 opcode=01101 10 rn:5 rd:5', exec: fpPairwiseScalar, feature: SIMD });
out.push({ name: 'FMAXP_s', pattern: '01 U=1 11110 a=0 sz:1 11000 opcode=01111 10 rn:5 rd:5', exec: fpPairwiseScalar, feature: SIMD });
out.push({ name: 'FMINNMP_s', pattern: '01 U=1 11110 a=1 sz:1 11000 opcode=01100 10 rn:5 rd:5', exec: fpPairwiseScalar, feature: SIMD });
out.push({ name: 'FMINP_s', pattern: '01 U=1 11110 a=1 sz:1 11000 opcode=01111 10 rn:5 rd:5', exec: fpPairwiseScalar, feature: SIMD });
// FP16 scalar pairwise: U = 0, sz = 0.
out.push({ name: 'FMAXNMP_sh', pattern: '01 U=0 11110 a=0 0 11000 opcode=01100 10 rn:5 rd:5', exec: fpPairwiseScalar, feature: 'fp16' });
out.push({ name: 'FADDP_sh', pattern: '01 U=0 11110 a=0 0 11000 opcode=01101 10 rn:5 rd:5', exec: fpPairwiseScalar, feature: 'fp16' });
out.push({ name: 'FMAXP_sh', pattern: '01 U=0 11110 a=0 0 11000 opcode=01111 10 rn:5 rd:5', exec: fpPairwiseScalar, feature: 'fp16' });
out.push({ name: 'FMINNMP_sh', pattern: '01 U=0 11110 a=1 0 11000 opcode=01100 10 rn:5 rd:5', exec: fpPairwiseScalar, feature: 'fp16' });
out.push({ name: 'FMINP_sh', pattern: '01 U=0 11110 a=1 0 11000 opcode=01111 10 rn:5 rd:5', exec: fpPairwiseScalar, feature: 'fp16' });

// ---- AdvSIMD vector/scalar x indexed element (FP, size 1x): 0 Q U 01111 size L M Rm opcode H 0 --
const BY_ELEM: readonly (readonly [string, string, string])[] = [
  ['FMLA_elem', '0', '0001'], ['FMLS_elem', '0', '0101'], ['FMUL_elem', '0', '1001'], ['FMULX_elem', '1', '1001'],
];
for (const [name, u, opc] of BY_ELEM) {
  out.push({ name: `${name}_v`, pattern: `0 Q:1 U=${u} 01111 1 sz:1 L:1 M:1 rm:4 opcode=${opc} H:1 0 rn:5 rd:5`, exec: fpByElem, feature: SIMD });
  out.push({ name: `${name}_s`, pattern: `01 U=${u} 11111 1 sz:1 L:1 M:1 rm:4 opcode=${opc} H:1 0 rn:5 rd:5`, exec: fpByElem, feature: SIMD });
  out.push({ name: `${name}_vh`, pattern: `0 Q:1 U=${u} 01111 00 L:1 M:1 rm:4 opcode=${opc} H:1 0 rn:5 rd:5`, exec: fpByElem, feature: 'fp16' });
  out.push({ name: `${name}_sh`, pattern: `01 U=${u} 11111 00 L:1 M:1 rm:4 opcode=${opc} H:1 0 rn:5 rd:5`, exec: fpByElem, feature: 'fp16' });
}

// ---- AdvSIMD shift by immediate, FP conversions (immh 01xx single, 1xxx double) -----------------
const SHIFT_CVT: readonly (readonly [string, string, string])[] = [
  ['SCVTF_fix', '0', '11100'], ['UCVTF_fix', '1', '11100'], ['FCVTZS_fix', '0', '11111'], ['FCVTZU_fix', '1', '11111'],
];
for (const [name, u, opc] of SHIFT_CVT) {
  for (const [sz, immh] of [['H', '001-'], ['S', '01--'], ['D', '1---']]) {
    const feature = sz === 'H' ? 'fp16' : SIMD;
    out.push({ name: `${name}_v_${sz}`, pattern: `0 Q:1 U=${u} 011110 immh=${immh} immb:3 opcode=${opc} 1 rn:5 rd:5`, exec: fpShiftCvt, feature });
    out.push({ name: `${name}_s_${sz}`, pattern: `01 U=${u} 111110 immh=${immh} immb:3 opcode=${opc} 1 rn:5 rd:5`, exec: fpShiftCvt, feature });
  }
}

export const rows: readonly Row[] = out;
