/**
 * A64 data processing - register (Arm ARM C4.1.95). Rows fix sf (and the bits the Arm ARM makes
 * unallocated otherwise: 32-bit imm6<5>, extended opt != 00, S/o2/o3 of conditional compare,
 * op2<1> of conditional select, sf/opcode combinations of the 1-, 2- and 3-source groups and
 * CRC32), so unallocated encodings match no row. Encodings inside an instruction that the
 * pseudocode makes UNDEFINED (shift = ROR for add/subtract, imm3 > 4 for extended register)
 * are rejected by the executors. Not here: FEAT_FlagM (RMIF, SETF*), FEAT_PAuth (PAC*, AUT*,
 * XPAC*, PACGA), FEAT_MTE (IRG, GMI, SUBP*), FEAT_CSSC (ABS, CNT, CTZ, SMAX...): unallocated.
 */
import type { Row } from './pattern.js';
import * as r from '../exec/data-proc-reg.js';
import * as m from '../exec/multiply-divide.js';

export const rows: readonly Row[] = [
  // Logical (shifted register)
  { name: 'AND_sr_w', pattern: 'sf=0 opc=00 01010 shift:2 N=0 rm:5 0 imm6:5 rn:5 rd:5', exec: r.andSr32 },
  { name: 'BIC_sr_w', pattern: 'sf=0 opc=00 01010 shift:2 N=1 rm:5 0 imm6:5 rn:5 rd:5', exec: r.andSr32 },
  { name: 'ORR_sr_w', pattern: 'sf=0 opc=01 01010 shift:2 N=0 rm:5 0 imm6:5 rn:5 rd:5', exec: r.orrSr32 },
  { name: 'ORN_sr_w', pattern: 'sf=0 opc=01 01010 shift:2 N=1 rm:5 0 imm6:5 rn:5 rd:5', exec: r.orrSr32 },
  { name: 'EOR_sr_w', pattern: 'sf=0 opc=10 01010 shift:2 N=0 rm:5 0 imm6:5 rn:5 rd:5', exec: r.eorSr32 },
  { name: 'EON_sr_w', pattern: 'sf=0 opc=10 01010 shift:2 N=1 rm:5 0 imm6:5 rn:5 rd:5', exec: r.eorSr32 },
  { name: 'ANDS_sr_w', pattern: 'sf=0 opc=11 01010 shift:2 N=0 rm:5 0 imm6:5 rn:5 rd:5', exec: r.andsSr32 },
  { name: 'BICS_sr_w', pattern: 'sf=0 opc=11 01010 shift:2 N=1 rm:5 0 imm6:5 rn:5 rd:5', exec: r.andsSr32 },
  { name: 'AND_sr_x', pattern: 'sf=1 opc=00 01010 shift:2 N=0 rm:5 imm6:6 rn:5 rd:5', exec: r.andSr64 },
  { name: 'BIC_sr_x', pattern: 'sf=1 opc=00 01010 shift:2 N=1 rm:5 imm6:6 rn:5 rd:5', exec: r.andSr64 },
  { name: 'ORR_sr_x', pattern: 'sf=1 opc=01 01010 shift:2 N=0 rm:5 imm6:6 rn:5 rd:5', exec: r.orrSr64 },
  { name: 'ORN_sr_x', pattern: 'sf=1 opc=01 01010 shift:2 N=1 rm:5 imm6:6 rn:5 rd:5', exec: r.orrSr64 },
  { name: 'EOR_sr_x', pattern: 'sf=1 opc=10 01010 shift:2 N=0 rm:5 imm6:6 rn:5 rd:5', exec: r.eorSr64 },
  { name: 'EON_sr_x', pattern: 'sf=1 opc=10 01010 shift:2 N=1 rm:5 imm6:6 rn:5 rd:5', exec: r.eorSr64 },
  { name: 'ANDS_sr_x', pattern: 'sf=1 opc=11 01010 shift:2 N=0 rm:5 imm6:6 rn:5 rd:5', exec: r.andsSr64 },
  { name: 'BICS_sr_x', pattern: 'sf=1 opc=11 01010 shift:2 N=1 rm:5 imm6:6 rn:5 rd:5', exec: r.andsSr64 },

  // Add/subtract (shifted register)
  { name: 'ADD_sr_w', pattern: 'sf=0 op=0 S=0 01011 shift:2 0 rm:5 0 imm6:5 rn:5 rd:5', exec: r.addSr32 },
  { name: 'ADDS_sr_w', pattern: 'sf=0 op=0 S=1 01011 shift:2 0 rm:5 0 imm6:5 rn:5 rd:5', exec: r.addsSr32 },
  { name: 'SUB_sr_w', pattern: 'sf=0 op=1 S=0 01011 shift:2 0 rm:5 0 imm6:5 rn:5 rd:5', exec: r.subSr32 },
  { name: 'SUBS_sr_w', pattern: 'sf=0 op=1 S=1 01011 shift:2 0 rm:5 0 imm6:5 rn:5 rd:5', exec: r.subsSr32 },
  { name: 'ADD_sr_x', pattern: 'sf=1 op=0 S=0 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5', exec: r.addSr64 },
  { name: 'ADDS_sr_x', pattern: 'sf=1 op=0 S=1 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5', exec: r.addsSr64 },
  { name: 'SUB_sr_x', pattern: 'sf=1 op=1 S=0 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5', exec: r.subSr64 },
  { name: 'SUBS_sr_x', pattern: 'sf=1 op=1 S=1 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5', exec: r.subsSr64 },

  // Add/subtract (extended register)
  { name: 'ADD_er_w', pattern: 'sf=0 op=0 S=0 01011 opt=00 1 rm:5 option:3 imm3:3 rn:5 rd:5', exec: r.addExt32 },
  { name: 'ADDS_er_w', pattern: 'sf=0 op=0 S=1 01011 opt=00 1 rm:5 option:3 imm3:3 rn:5 rd:5', exec: r.addsExt32 },
  { name: 'SUB_er_w', pattern: 'sf=0 op=1 S=0 01011 opt=00 1 rm:5 option:3 imm3:3 rn:5 rd:5', exec: r.subExt32 },
  { name: 'SUBS_er_w', pattern: 'sf=0 op=1 S=1 01011 opt=00 1 rm:5 option:3 imm3:3 rn:5 rd:5', exec: r.subsExt32 },
  { name: 'ADD_er_x', pattern: 'sf=1 op=0 S=0 01011 opt=00 1 rm:5 option:3 imm3:3 rn:5 rd:5', exec: r.addExt64 },
  { name: 'ADDS_er_x', pattern: 'sf=1 op=0 S=1 01011 opt=00 1 rm:5 option:3 imm3:3 rn:5 rd:5', exec: r.addsExt64 },
  { name: 'SUB_er_x', pattern: 'sf=1 op=1 S=0 01011 opt=00 1 rm:5 option:3 imm3:3 rn:5 rd:5', exec: r.subExt64 },
  { name: 'SUBS_er_x', pattern: 'sf=1 op=1 S=1 01011 opt=00 1 rm:5 option:3 imm3:3 rn:5 rd:5', exec: r.subsExt64 },

  // Add/subtract (with carry)
  { name: 'ADC_w', pattern: 'sf=0 op=0 S=0 11010000 rm:5 000000 rn:5 rd:5', exec: r.adc32 },
  { name: 'ADCS_w', pattern: 'sf=0 op=0 S=1 11010000 rm:5 000000 rn:5 rd:5', exec: r.adcs32 },
  { name: 'SBC_w', pattern: 'sf=0 op=1 S=0 11010000 rm:5 000000 rn:5 rd:5', exec: r.sbc32 },
  { name: 'SBCS_w', pattern: 'sf=0 op=1 S=1 11010000 rm:5 000000 rn:5 rd:5', exec: r.sbcs32 },
  { name: 'ADC_x', pattern: 'sf=1 op=0 S=0 11010000 rm:5 000000 rn:5 rd:5', exec: r.adc64 },
  { name: 'ADCS_x', pattern: 'sf=1 op=0 S=1 11010000 rm:5 000000 rn:5 rd:5', exec: r.adcs64 },
  { name: 'SBC_x', pattern: 'sf=1 op=1 S=0 11010000 rm:5 000000 rn:5 rd:5', exec: r.sbc64 },
  { name: 'SBCS_x', pattern: 'sf=1 op=1 S=1 11010000 rm:5 000000 rn:5 rd:5', exec: r.sbcs64 },

  // Conditional compare (register, immediate)
  { name: 'CCMN_r_w', pattern: 'sf=0 op=0 S=1 11010010 rm:5 cond:4 0 o2=0 rn:5 o3=0 nzcv:4', exec: r.ccmn32 },
  { name: 'CCMP_r_w', pattern: 'sf=0 op=1 S=1 11010010 rm:5 cond:4 0 o2=0 rn:5 o3=0 nzcv:4', exec: r.ccmp32 },
  { name: 'CCMN_r_x', pattern: 'sf=1 op=0 S=1 11010010 rm:5 cond:4 0 o2=0 rn:5 o3=0 nzcv:4', exec: r.ccmn64 },
  { name: 'CCMP_r_x', pattern: 'sf=1 op=1 S=1 11010010 rm:5 cond:4 0 o2=0 rn:5 o3=0 nzcv:4', exec: r.ccmp64 },
  { name: 'CCMN_i_w', pattern: 'sf=0 op=0 S=1 11010010 imm5:5 cond:4 1 o2=0 rn:5 o3=0 nzcv:4', exec: r.ccmn32 },
  { name: 'CCMP_i_w', pattern: 'sf=0 op=1 S=1 11010010 imm5:5 cond:4 1 o2=0 rn:5 o3=0 nzcv:4', exec: r.ccmp32 },
  { name: 'CCMN_i_x', pattern: 'sf=1 op=0 S=1 11010010 imm5:5 cond:4 1 o2=0 rn:5 o3=0 nzcv:4', exec: r.ccmn64 },
  { name: 'CCMP_i_x', pattern: 'sf=1 op=1 S=1 11010010 imm5:5 cond:4 1 o2=0 rn:5 o3=0 nzcv:4', exec: r.ccmp64 },

  // Conditional select
  { name: 'CSEL_w', pattern: 'sf=0 op=0 S=0 11010100 rm:5 cond:4 op2=00 rn:5 rd:5', exec: r.csel32 },
  { name: 'CSINC_w', pattern: 'sf=0 op=0 S=0 11010100 rm:5 cond:4 op2=01 rn:5 rd:5', exec: r.csinc32 },
  { name: 'CSINV_w', pattern: 'sf=0 op=1 S=0 11010100 rm:5 cond:4 op2=00 rn:5 rd:5', exec: r.csinv32 },
  { name: 'CSNEG_w', pattern: 'sf=0 op=1 S=0 11010100 rm:5 cond:4 op2=01 rn:5 rd:5', exec: r.csneg32 },
  { name: 'CSEL_x', pattern: 'sf=1 op=0 S=0 11010100 rm:5 cond:4 op2=00 rn:5 rd:5', exec: r.csel64 },
  { name: 'CSINC_x', pattern: 'sf=1 op=0 S=0 11010100 rm:5 cond:4 op2=01 rn:5 rd:5', exec: r.csinc64 },
  { name: 'CSINV_x', pattern: 'sf=1 op=1 S=0 11010100 rm:5 cond:4 op2=00 rn:5 rd:5', exec: r.csinv64 },
  { name: 'CSNEG_x', pattern: 'sf=1 op=1 S=0 11010100 rm:5 cond:4 op2=01 rn:5 rd:5', exec: r.csneg64 },

  // Data-processing (1 source)
  { name: 'RBIT_w', pattern: 'sf=0 1 S=0 11010110 opcode2=00000 opcode=000000 rn:5 rd:5', exec: m.rbitW },
  { name: 'REV16_w', pattern: 'sf=0 1 S=0 11010110 opcode2=00000 opcode=000001 rn:5 rd:5', exec: m.rev16W },
  { name: 'REV_w', pattern: 'sf=0 1 S=0 11010110 opcode2=00000 opcode=000010 rn:5 rd:5', exec: m.revW },
  { name: 'CLZ_w', pattern: 'sf=0 1 S=0 11010110 opcode2=00000 opcode=000100 rn:5 rd:5', exec: m.clzW },
  { name: 'CLS_w', pattern: 'sf=0 1 S=0 11010110 opcode2=00000 opcode=000101 rn:5 rd:5', exec: m.clsW },
  { name: 'RBIT_x', pattern: 'sf=1 1 S=0 11010110 opcode2=00000 opcode=000000 rn:5 rd:5', exec: m.rbitX },
  { name: 'REV16_x', pattern: 'sf=1 1 S=0 11010110 opcode2=00000 opcode=000001 rn:5 rd:5', exec: m.rev16X },
  { name: 'REV32_x', pattern: 'sf=1 1 S=0 11010110 opcode2=00000 opcode=000010 rn:5 rd:5', exec: m.rev32X },
  { name: 'REV_x', pattern: 'sf=1 1 S=0 11010110 opcode2=00000 opcode=000011 rn:5 rd:5', exec: m.revX },
  { name: 'CLZ_x', pattern: 'sf=1 1 S=0 11010110 opcode2=00000 opcode=000100 rn:5 rd:5', exec: m.clzX },
  { name: 'CLS_x', pattern: 'sf=1 1 S=0 11010110 opcode2=00000 opcode=000101 rn:5 rd:5', exec: m.clsX },

  // Data-processing (2 source)
  { name: 'UDIV_w', pattern: 'sf=0 0 S=0 11010110 rm:5 opcode=000010 rn:5 rd:5', exec: m.udivW },
  { name: 'SDIV_w', pattern: 'sf=0 0 S=0 11010110 rm:5 opcode=000011 rn:5 rd:5', exec: m.sdivW },
  { name: 'LSLV_w', pattern: 'sf=0 0 S=0 11010110 rm:5 opcode=001000 rn:5 rd:5', exec: m.shiftVW },
  { name: 'LSRV_w', pattern: 'sf=0 0 S=0 11010110 rm:5 opcode=001001 rn:5 rd:5', exec: m.shiftVW },
  { name: 'ASRV_w', pattern: 'sf=0 0 S=0 11010110 rm:5 opcode=001010 rn:5 rd:5', exec: m.shiftVW },
  { name: 'RORV_w', pattern: 'sf=0 0 S=0 11010110 rm:5 opcode=001011 rn:5 rd:5', exec: m.shiftVW },
  { name: 'UDIV_x', pattern: 'sf=1 0 S=0 11010110 rm:5 opcode=000010 rn:5 rd:5', exec: m.udivX },
  { name: 'SDIV_x', pattern: 'sf=1 0 S=0 11010110 rm:5 opcode=000011 rn:5 rd:5', exec: m.sdivX },
  { name: 'LSLV_x', pattern: 'sf=1 0 S=0 11010110 rm:5 opcode=001000 rn:5 rd:5', exec: m.shiftVX },
  { name: 'LSRV_x', pattern: 'sf=1 0 S=0 11010110 rm:5 opcode=001001 rn:5 rd:5', exec: m.shiftVX },
  { name: 'ASRV_x', pattern: 'sf=1 0 S=0 11010110 rm:5 opcode=001010 rn:5 rd:5', exec: m.shiftVX },
  { name: 'RORV_x', pattern: 'sf=1 0 S=0 11010110 rm:5 opcode=001011 rn:5 rd:5', exec: m.shiftVX },
  { name: 'CRC32B', pattern: 'sf=0 0 S=0 11010110 rm:5 010 C=0 sz=00 rn:5 rd:5', exec: m.crc32, feature: 'crc32' },
  { name: 'CRC32H', pattern: 'sf=0 0 S=0 11010110 rm:5 010 C=0 sz=01 rn:5 rd:5', exec: m.crc32, feature: 'crc32' },
  { name: 'CRC32W', pattern: 'sf=0 0 S=0 11010110 rm:5 010 C=0 sz=10 rn:5 rd:5', exec: m.crc32, feature: 'crc32' },
  { name: 'CRC32X', pattern: 'sf=1 0 S=0 11010110 rm:5 010 C=0 sz=11 rn:5 rd:5', exec: m.crc32, feature: 'crc32' },
  { name: 'CRC32CB', pattern: 'sf=0 0 S=0 11010110 rm:5 010 C=1 sz=00 rn:5 rd:5', exec: m.crc32, feature: 'crc32' },
  { name: 'CRC32CH', pattern: 'sf=0 0 S=0 11010110 rm:5 010 C=1 sz=01 rn:5 rd:5', exec: m.crc32, feature: 'crc32' },
  { name: 'CRC32CW', pattern: 'sf=0 0 S=0 11010110 rm:5 010 C=1 sz=10 rn:5 rd:5', exec: m.crc32, feature: 'crc32' },
  { name: 'CRC32CX', pattern: 'sf=1 0 S=0 11010110 rm:5 010 C=1 sz=11 rn:5 rd:5', exec: m.crc32, feature: 'crc32' },

  // Data-processing (3 source). SMULH/UMULH: Ra is (1)(1)(1)(1)(1) in the Arm ARM; another
  // value is CONSTRAINED UNPREDICTABLE and we take the permitted "ignore the field" behaviour.
  { name: 'MADD_w', pattern: 'sf=0 op54=00 11011 op31=000 rm:5 o0=0 ra:5 rn:5 rd:5', exec: m.maddW },
  { name: 'MSUB_w', pattern: 'sf=0 op54=00 11011 op31=000 rm:5 o0=1 ra:5 rn:5 rd:5', exec: m.msubW },
  { name: 'MADD_x', pattern: 'sf=1 op54=00 11011 op31=000 rm:5 o0=0 ra:5 rn:5 rd:5', exec: m.maddX },
  { name: 'MSUB_x', pattern: 'sf=1 op54=00 11011 op31=000 rm:5 o0=1 ra:5 rn:5 rd:5', exec: m.msubX },
  { name: 'SMADDL', pattern: 'sf=1 op54=00 11011 op31=001 rm:5 o0=0 ra:5 rn:5 rd:5', exec: m.smaddl },
  { name: 'SMSUBL', pattern: 'sf=1 op54=00 11011 op31=001 rm:5 o0=1 ra:5 rn:5 rd:5', exec: m.smsubl },
  { name: 'SMULH', pattern: 'sf=1 op54=00 11011 op31=010 rm:5 o0=0 ra=----- rn:5 rd:5', exec: m.smulh },
  { name: 'UMADDL', pattern: 'sf=1 op54=00 11011 op31=101 rm:5 o0=0 ra:5 rn:5 rd:5', exec: m.umaddl },
  { name: 'UMSUBL', pattern: 'sf=1 op54=00 11011 op31=101 rm:5 o0=1 ra:5 rn:5 rd:5', exec: m.umsubl },
  { name: 'UMULH', pattern: 'sf=1 op54=00 11011 op31=110 rm:5 o0=0 ra=----- rn:5 rd:5', exec: m.umulh },
];
