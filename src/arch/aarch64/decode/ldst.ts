/**
 * A64 "Loads and Stores" (Arm ARM DDI 0487K.a C4.1.94, op0 = x1x0). Rows are generated from
 * small tables of the (size, opc) combinations the Arm ARM allocates per addressing mode, so
 * the unallocated ones (e.g. size 10 opc 11, PRFM in the writeback forms, LDNP with opc 01)
 * stay unclaimed and raise UNDEF. Not claimed: LDAPR/STLUR (RCpc), LDLAR/STLLR (LOR),
 * STGP/LDG (MTE), LDRAA (PAuth), memory copy/set, LD64B.
 */
import type { Row, Exec } from './pattern.js';
import { ldstUi, ldrXUi, strXUi, ldstUnscaled, ldstUnpriv, ldstImmWb, ldstReg, ldrLiteral, ldstPair } from '../exec/ldst.js';
import { ldrbReg, strbReg, ldrWReg, strWReg, ldrXReg, strXReg } from '../exec/ldst.js';
import { ldrbImmWb, strbImmWb, ldrWImmWb, strWImmWb, ldrXImmWb, strXImmWb } from '../exec/ldst.js';
import { ldxr, ldxp, stxr, stxp, ldar, stlr } from '../exec/ldst-exclusive.js';
import { atomicOp, cas, casp } from '../exec/ldst-atomic.js';
import { fpLdstUi, fpLdstImm9, fpLdstReg, fpLdrLiteral, fpLdstPair, ld1st1Multiple, ldNstNMultiple, ldstSingle } from '../exec/ldst-simd.js';

const out: Row[] = [];

// ---- Load/store register, general-purpose (V = 0) ---------------------------------------------

/** [name (LDR form), size, opc, also in the writeback/unprivileged forms]. */
const GPR_OPS: readonly (readonly [string, string, string, boolean])[] = [
  ['STRB', '00', '00', true],
  ['LDRB', '00', '01', true],
  ['LDRSB_64', '00', '10', true],
  ['LDRSB_32', '00', '11', true],
  ['STRH', '01', '00', true],
  ['LDRH', '01', '01', true],
  ['LDRSH_64', '01', '10', true],
  ['LDRSH_32', '01', '11', true],
  ['STR_32', '10', '00', true],
  ['LDR_32', '10', '01', true],
  ['LDRSW', '10', '10', true],
  ['STR_64', '11', '00', true],
  ['LDR_64', '11', '01', true],
  ['PRFM', '11', '10', false],
];

/** LDR -> LDUR / LDTR, STR -> STUR / STTR, PRFM -> PRFUM. */
function rename(name: string, ld: string, st: string): string {
  if (name === 'PRFM') return 'PRFUM';
  return name.startsWith('LDR') ? ld + name.slice(3) : st + name.slice(3);
}

/**
 * Executors specialised to one size:opc (exec/ldst.ts explains why) for the register-offset and
 * pre/post-index forms; the other combinations use the generic executors.
 */
const REG_EXEC: Readonly<Record<string, Exec>> = { STRB: strbReg, LDRB: ldrbReg, STR_32: strWReg, LDR_32: ldrWReg, STR_64: strXReg, LDR_64: ldrXReg };
const WB_EXEC: Readonly<Record<string, Exec>> = { STRB: strbImmWb, LDRB: ldrbImmWb, STR_32: strWImmWb, LDR_32: ldrWImmWb, STR_64: strXImmWb, LDR_64: ldrXImmWb };

for (const [name, size, opc, wb] of GPR_OPS) {
  const f = `size=${size} 111 0`;
  const exec: Exec = name === 'LDR_64' ? ldrXUi : name === 'STR_64' ? strXUi : ldstUi;
  out.push({ name: `${name}_ui`, pattern: `${f} 01 opc=${opc} imm12:12 rn:5 rt:5`, exec });
  out.push({ name: rename(name, 'LDUR', 'STUR'), pattern: `${f} 00 opc=${opc} 0 imm9:9 00 rn:5 rt:5`, exec: ldstUnscaled });
  out.push({ name: `${name}_reg`, pattern: `${f} 00 opc=${opc} 1 rm:5 option=-1- S:1 10 rn:5 rt:5`, exec: REG_EXEC[name] ?? ldstReg });
  if (!wb) continue;
  const wbExec = WB_EXEC[name] ?? ldstImmWb;
  out.push({ name: `${name}_post`, pattern: `${f} 00 opc=${opc} 0 imm9:9 01 rn:5 rt:5`, exec: wbExec });
  out.push({ name: `${name}_pre`, pattern: `${f} 00 opc=${opc} 0 imm9:9 11 rn:5 rt:5`, exec: wbExec });
  out.push({ name: rename(name, 'LDTR', 'STTR'), pattern: `${f} 00 opc=${opc} 0 imm9:9 10 rn:5 rt:5`, exec: ldstUnpriv });
}

// Load register (literal): opc 00 W, 01 X, 10 LDRSW, 11 PRFM.
out.push({ name: 'LDR_lit_32', pattern: 'opc=00 011 0 00 imm19:19 rt:5', exec: ldrLiteral });
out.push({ name: 'LDR_lit_64', pattern: 'opc=01 011 0 00 imm19:19 rt:5', exec: ldrLiteral });
out.push({ name: 'LDRSW_lit', pattern: 'opc=10 011 0 00 imm19:19 rt:5', exec: ldrLiteral });
out.push({ name: 'PRFM_lit', pattern: 'opc=11 011 0 00 imm19:19 rt:5', exec: ldrLiteral });

// ---- Load/store register pair, general-purpose ------------------------------------------------

/** insn[24:23]: 00 no-allocate pair (offset), 01 post-index, 10 signed offset, 11 pre-index. */
const PAIR_MODES: readonly (readonly [string, string])[] = [
  ['np', '00'],
  ['post', '01'],
  ['off', '10'],
  ['pre', '11'],
];

for (const [mode, bits] of PAIR_MODES) {
  const np = mode === 'np';
  for (const [sf, opc] of [['32', '00'], ['64', '10']] as const) {
    out.push({ name: `${np ? 'STNP' : 'STP'}_${sf}${np ? '' : '_' + mode}`, pattern: `opc=${opc} 101 0 0 ${bits} L=0 imm7:7 rt2:5 rn:5 rt:5`, exec: ldstPair });
    out.push({ name: `${np ? 'LDNP' : 'LDP'}_${sf}${np ? '' : '_' + mode}`, pattern: `opc=${opc} 101 0 0 ${bits} L=1 imm7:7 rt2:5 rn:5 rt:5`, exec: ldstPair });
  }
  if (!np) out.push({ name: `LDPSW_${mode}`, pattern: `opc=01 101 0 0 ${bits} L=1 imm7:7 rt2:5 rn:5 rt:5`, exec: ldstPair });
}

// ---- Exclusives, ordered, compare and swap -----------------------------------------------------
// size:2 001000 o2 L o1 Rs o0 Rt2 Rn Rt. Rs/Rt2 of the exclusive register and ordered forms are
// (1) should-be-one fields: not checked (treated as if set).

out.push({ name: 'STXR', pattern: 'size:2 001000 o2=0 L=0 o1=0 rs:5 o0:1 rt2:5 rn:5 rt:5', exec: stxr });
out.push({ name: 'LDXR', pattern: 'size:2 001000 o2=0 L=1 o1=0 rs:5 o0:1 rt2:5 rn:5 rt:5', exec: ldxr });
out.push({ name: 'STXP', pattern: '1 sz:1 001000 o2=0 L=0 o1=1 rs:5 o0:1 rt2:5 rn:5 rt:5', exec: stxp });
out.push({ name: 'LDXP', pattern: '1 sz:1 001000 o2=0 L=1 o1=1 rs:5 o0:1 rt2:5 rn:5 rt:5', exec: ldxp });
out.push({ name: 'CASP', pattern: '0 sz:1 001000 o2=0 L:1 o1=1 rs:5 o0:1 11111 rn:5 rt:5', exec: casp, feature: 'lse' });
out.push({ name: 'STLR', pattern: 'size:2 001000 o2=1 L=0 o1=0 rs:5 o0=1 rt2:5 rn:5 rt:5', exec: stlr });
out.push({ name: 'LDAR', pattern: 'size:2 001000 o2=1 L=1 o1=0 rs:5 o0=1 rt2:5 rn:5 rt:5', exec: ldar });
out.push({ name: 'CAS', pattern: 'size:2 001000 o2=1 L:1 o1=1 rs:5 o0:1 11111 rn:5 rt:5', exec: cas, feature: 'lse' });

// ---- Atomic memory operations (FEAT_LSE): size 111 0 00 A R 1 Rs o3 opc 00 Rn Rt --------------

const ATOMIC_OPS = ['LDADD', 'LDCLR', 'LDEOR', 'LDSET', 'LDSMAX', 'LDSMIN', 'LDUMAX', 'LDUMIN'];
ATOMIC_OPS.forEach((name, i) => {
  const opc = i.toString(2).padStart(3, '0');
  out.push({ name, pattern: `size:2 111 0 00 A:1 R:1 1 rs:5 o3=0 opc=${opc} 00 rn:5 rt:5`, exec: atomicOp, feature: 'lse' });
});
out.push({ name: 'SWP', pattern: 'size:2 111 0 00 A:1 R:1 1 rs:5 o3=1 opc=000 00 rn:5 rt:5', exec: atomicOp, feature: 'lse' });

// ---- SIMD&FP registers (V = 1) -----------------------------------------------------------------

/** [suffix, size, opc]: B/H/S/D for size 00..11 with opc 0x, Q for size 00 with opc 1x. */
const FP_OPS: [string, string, string][] = [];
for (const [sz, size] of [['B', '00'], ['H', '01'], ['S', '10'], ['D', '11']]) {
  FP_OPS.push([`STR_fp${sz}`, size, '00'], [`LDR_fp${sz}`, size, '01']);
}
FP_OPS.push(['STR_fpQ', '00', '10'], ['LDR_fpQ', '00', '11']);

for (const [name, size, opc] of FP_OPS) {
  const f = `size=${size} 111 1`;
  out.push({ name: `${name}_ui`, pattern: `${f} 01 opc=${opc} imm12:12 rn:5 rt:5`, exec: fpLdstUi });
  out.push({ name: rename(name, 'LDUR', 'STUR'), pattern: `${f} 00 opc=${opc} 0 imm9:9 00 rn:5 rt:5`, exec: fpLdstImm9 });
  out.push({ name: `${name}_post`, pattern: `${f} 00 opc=${opc} 0 imm9:9 01 rn:5 rt:5`, exec: fpLdstImm9 });
  out.push({ name: `${name}_pre`, pattern: `${f} 00 opc=${opc} 0 imm9:9 11 rn:5 rt:5`, exec: fpLdstImm9 });
  out.push({ name: `${name}_reg`, pattern: `${f} 00 opc=${opc} 1 rm:5 option=-1- S:1 10 rn:5 rt:5`, exec: fpLdstReg });
}

out.push({ name: 'LDR_lit_fpS', pattern: 'opc=00 011 1 00 imm19:19 rt:5', exec: fpLdrLiteral });
out.push({ name: 'LDR_lit_fpD', pattern: 'opc=01 011 1 00 imm19:19 rt:5', exec: fpLdrLiteral });
out.push({ name: 'LDR_lit_fpQ', pattern: 'opc=10 011 1 00 imm19:19 rt:5', exec: fpLdrLiteral });

for (const [mode, bits] of PAIR_MODES) {
  const np = mode === 'np';
  for (const [sz, opc] of [['S', '00'], ['D', '01'], ['Q', '10']] as const) {
    const sfx = `_fp${sz}${np ? '' : '_' + mode}`;
    out.push({ name: `${np ? 'STNP' : 'STP'}${sfx}`, pattern: `opc=${opc} 101 1 0 ${bits} L=0 imm7:7 rt2:5 rn:5 rt:5`, exec: fpLdstPair });
    out.push({ name: `${np ? 'LDNP' : 'LDP'}${sfx}`, pattern: `opc=${opc} 101 1 0 ${bits} L=1 imm7:7 rt2:5 rn:5 rt:5`, exec: fpLdstPair });
  }
}

// ---- Advanced SIMD load/store multiple structures: LD1-LD4 / ST1-ST4 ------------------------------
// 0 Q 0011000 L 000000 opcode size Rn Rt (no offset), 0 Q 0011001 L 0 Rm opcode size Rn Rt (post).

for (const [op, opcode] of [['1_1r', '0111'], ['1_2r', '1010'], ['1_3r', '0110'], ['1_4r', '0010'], ['2', '1000'], ['3', '0100'], ['4', '0000']]) {
  const exec = op.startsWith('1_') ? ld1st1Multiple : ldNstNMultiple;
  for (const [name, l] of [['ST', '0'], ['LD', '1']]) {
    out.push({ name: `${name}${op}_mult`, pattern: `0 Q:1 0011000 L=${l} 000000 opcode=${opcode} size:2 rn:5 rt:5`, exec });
    out.push({ name: `${name}${op}_mult_post`, pattern: `0 Q:1 0011001 L=${l} 0 rm:5 opcode=${opcode} size:2 rn:5 rt:5`, exec });
  }
}

// ---- Advanced SIMD load/store single structure: LD1-LD4 / ST1-ST4 lanes, LD1R-LD4R -----------------
// 0 Q 0011010 L R 00000 opcode S size Rn Rt (no offset), 0 Q 0011011 L R Rm opcode S size Rn Rt
// (post). selem = opcode<0>:R + 1; opcode<2:1> = 00 B, 01 H, 10 S/D, 11 replicate (loads only).
// The size/S combinations that are reserved within a class are UNDEFINED in the executor.

for (const [name, l] of [['ST', '0'], ['LD', '1']]) {
  for (let selem = 1; selem <= 4; selem++) {
    const o0 = (selem - 1) >> 1;
    const r = (selem - 1) & 1;
    for (const [cls, o21] of [['B', '00'], ['H', '01'], ['SD', '10'], ['R', '11']]) {
      if (cls === 'R' && l === '0') continue;
      const nm = cls === 'R' ? `LD${selem}R` : `${name}${selem}_single_${cls}`;
      out.push({ name: nm, pattern: `0 Q:1 0011010 L=${l} R=${r} 00000 opcode=${o21}${o0} S:1 size:2 rn:5 rt:5`, exec: ldstSingle });
      out.push({ name: `${nm}_post`, pattern: `0 Q:1 0011011 L=${l} R=${r} rm:5 opcode=${o21}${o0} S:1 size:2 rn:5 rt:5`, exec: ldstSingle });
    }
  }
}

export const rows: readonly Row[] = out;
