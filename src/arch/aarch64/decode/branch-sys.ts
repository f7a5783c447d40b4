/**
 * Branches, exception generating and system instructions (Arm ARM DDI 0487K.a C4.1.66,
 * op0 = x101). Field names are the Arm ARM's. Executors: exec/branch.ts, exec/system.ts.
 */
import type { Row } from './pattern.js';
import { b, bl, bEqNe, bCsCc, bMiPl, bVsVc, bHiLs, bGeLt, bGtLe, bAlNv, cbz, tbz, br, blr, ret, eret, braa, blraa, retaa, eretaa } from '../exec/branch.js';
import {
  svc,
  hvc,
  smc,
  brk,
  undefinedInsn,
  nop,
  wfe,
  wfi,
  sev,
  barrier,
  sb,
  clrex,
  msrImm,
  sysregAccess,
} from '../exec/system.js';

export const rows: readonly Row[] = [
  // Unconditional branch (immediate)
  { name: 'B', pattern: '0 00101 imm26:26', exec: b },
  { name: 'BL', pattern: '1 00101 imm26:26', exec: bl },
  // Compare and branch (immediate), Test and branch (immediate)
  { name: 'CBZ', pattern: 'sf:1 011010 op=0 imm19:19 Rt:5', exec: cbz },
  { name: 'CBNZ', pattern: 'sf:1 011010 op=1 imm19:19 Rt:5', exec: cbz },
  { name: 'TBZ', pattern: 'b5:1 011011 op=0 b40:5 imm14:14 Rt:5', exec: tbz },
  { name: 'TBNZ', pattern: 'b5:1 011011 op=1 b40:5 imm14:14 Rt:5', exec: tbz },
  // Conditional branch (immediate); o1 = 0, o0 = 0 (o0 = 1 is BC.cond, FEAT_HBC: unclaimed).
  // One row per cond<3:1> so each executor tests its flags directly (exec/branch.ts).
  { name: 'B_cond_EQ_NE', pattern: '0101010 o1=0 imm19:19 o0=0 cond=000-', exec: bEqNe },
  { name: 'B_cond_CS_CC', pattern: '0101010 o1=0 imm19:19 o0=0 cond=001-', exec: bCsCc },
  { name: 'B_cond_MI_PL', pattern: '0101010 o1=0 imm19:19 o0=0 cond=010-', exec: bMiPl },
  { name: 'B_cond_VS_VC', pattern: '0101010 o1=0 imm19:19 o0=0 cond=011-', exec: bVsVc },
  { name: 'B_cond_HI_LS', pattern: '0101010 o1=0 imm19:19 o0=0 cond=100-', exec: bHiLs },
  { name: 'B_cond_GE_LT', pattern: '0101010 o1=0 imm19:19 o0=0 cond=101-', exec: bGeLt },
  { name: 'B_cond_GT_LE', pattern: '0101010 o1=0 imm19:19 o0=0 cond=110-', exec: bGtLe },
  { name: 'B_cond_AL_NV', pattern: '0101010 o1=0 imm19:19 o0=0 cond=111-', exec: bAlNv },

  // Exception generation: opc imm16 op2 LL
  { name: 'SVC', pattern: '11010100 opc=000 imm16:16 op2=000 LL=01', exec: svc },
  { name: 'HVC', pattern: '11010100 opc=000 imm16:16 op2=000 LL=10', exec: hvc },
  { name: 'SMC', pattern: '11010100 opc=000 imm16:16 op2=000 LL=11', exec: smc },
  { name: 'BRK', pattern: '11010100 opc=001 imm16:16 op2=000 LL=00', exec: brk },
  { name: 'HLT', pattern: '11010100 opc=010 imm16:16 op2=000 LL=00', exec: undefinedInsn },
  { name: 'DCPS1', pattern: '11010100 opc=101 imm16:16 op2=000 LL=01', exec: undefinedInsn },
  { name: 'DCPS2', pattern: '11010100 opc=101 imm16:16 op2=000 LL=10', exec: undefinedInsn },
  { name: 'DCPS3', pattern: '11010100 opc=101 imm16:16 op2=000 LL=11', exec: undefinedInsn },

  // Hints (CRn = 0010): specific rows first, then every other hint as a NOP.
  { name: 'NOP', pattern: '1101010100 0 00 011 0010 CRm=0000 op2=000 11111', exec: nop, overlap: 'hint' },
  { name: 'YIELD', pattern: '1101010100 0 00 011 0010 CRm=0000 op2=001 11111', exec: nop, overlap: 'hint' },
  { name: 'WFE', pattern: '1101010100 0 00 011 0010 CRm=0000 op2=010 11111', exec: wfe, overlap: 'hint' },
  { name: 'WFI', pattern: '1101010100 0 00 011 0010 CRm=0000 op2=011 11111', exec: wfi, overlap: 'hint' },
  { name: 'SEV', pattern: '1101010100 0 00 011 0010 CRm=0000 op2=100 11111', exec: sev, overlap: 'hint' },
  { name: 'SEVL', pattern: '1101010100 0 00 011 0010 CRm=0000 op2=101 11111', exec: sev, overlap: 'hint' },
  { name: 'HINT', pattern: '1101010100 0 00 011 0010 CRm:4 op2:3 11111', exec: nop, overlap: 'hint' },

  // Barriers (CRn = 0011)
  { name: 'CLREX', pattern: '1101010100 0 00 011 0011 CRm:4 op2=010 11111', exec: clrex },
  { name: 'DSB', pattern: '1101010100 0 00 011 0011 CRm:4 op2=100 11111', exec: barrier },
  { name: 'DMB', pattern: '1101010100 0 00 011 0011 CRm:4 op2=101 11111', exec: barrier },
  { name: 'ISB', pattern: '1101010100 0 00 011 0011 CRm:4 op2=110 11111', exec: barrier },
  { name: 'SB', pattern: '1101010100 0 00 011 0011 CRm=0000 op2=111 11111', exec: sb },

  // PSTATE (CRn = 0100)
  { name: 'MSR_i', pattern: '1101010100 0 00 op1:3 0100 CRm:4 op2:3 11111', exec: msrImm },

  // System instructions and system register moves
  { name: 'SYS', pattern: '1101010100 L=0 01 op1:3 CRn:4 CRm:4 op2:3 Rt:5', exec: sysregAccess },
  { name: 'SYSL', pattern: '1101010100 L=1 01 op1:3 CRn:4 CRm:4 op2:3 Rt:5', exec: sysregAccess },
  { name: 'MSR_r', pattern: '1101010100 L=0 1 o0:1 op1:3 CRn:4 CRm:4 op2:3 Rt:5', exec: sysregAccess },
  { name: 'MRS', pattern: '1101010100 L=1 1 o0:1 op1:3 CRn:4 CRm:4 op2:3 Rt:5', exec: sysregAccess },

  // Unconditional branch (register): opc op2 op3 Rn op4
  { name: 'BR', pattern: '1101011 opc=0000 op2=11111 op3=000000 Rn:5 op4=00000', exec: br },
  { name: 'BLR', pattern: '1101011 opc=0001 op2=11111 op3=000000 Rn:5 op4=00000', exec: blr },
  { name: 'RET', pattern: '1101011 opc=0010 op2=11111 op3=000000 Rn:5 op4=00000', exec: ret },
  { name: 'ERET', pattern: '1101011 opc=0100 op2=11111 op3=000000 Rn=11111 op4=00000', exec: eret },
  { name: 'DRPS', pattern: '1101011 opc=0101 op2=11111 op3=000000 Rn=11111 op4=00000', exec: undefinedInsn },
  { name: 'BRAxZ', pattern: '1101011 opc=0000 op2=11111 op3=00001 M:1 Rn:5 op4=11111', exec: braa, feature: 'pauth' },
  { name: 'BLRAxZ', pattern: '1101011 opc=0001 op2=11111 op3=00001 M:1 Rn:5 op4=11111', exec: blraa, feature: 'pauth' },
  { name: 'RETAx', pattern: '1101011 opc=0010 op2=11111 op3=00001 M:1 Rn=11111 op4=11111', exec: retaa, feature: 'pauth' },
  { name: 'ERETAx', pattern: '1101011 opc=0100 op2=11111 op3=00001 M:1 Rn=11111 op4=11111', exec: eretaa, feature: 'pauth' },
  { name: 'BRAx', pattern: '1101011 opc=1000 op2=11111 op3=00001 M:1 Rn:5 Rm:5', exec: braa, feature: 'pauth' },
  { name: 'BLRAx', pattern: '1101011 opc=1001 op2=11111 op3=00001 M:1 Rn:5 Rm:5', exec: blraa, feature: 'pauth' },
];
