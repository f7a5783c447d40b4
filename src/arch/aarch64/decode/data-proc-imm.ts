/**
 * A64 data processing - immediate (Arm ARM C4.1.92). Rows fix sf, and N where the Arm ARM
 * makes other values unallocated (logical sf=0 N=1, bitfield N != sf or sf=0 with immr<5>/imms<5>
 * set, EXTR N != sf or sf=0 imms<5> set, move wide sf=0 hw<1> set, MOVW opc=01, bitfield
 * opc=11), so those encodings match no row and decode as UNDEFINED. Add/subtract (immediate,
 * with tags) (MTE) is left unallocated. Reserved bitmask immediates are rejected by the
 * executors (DecodeBitMasks() UNDEFINED).
 */
import type { Row } from './pattern.js';
import * as x from '../exec/data-proc-imm.js';

export const rows: readonly Row[] = [
  // PC-rel. addressing
  { name: 'ADR', pattern: 'op=0 immlo:2 10000 immhi:19 rd:5', exec: x.adr },
  { name: 'ADRP', pattern: 'op=1 immlo:2 10000 immhi:19 rd:5', exec: x.adrp },

  // Add/subtract (immediate)
  { name: 'ADD_i_w', pattern: 'sf=0 op=0 S=0 100010 sh:1 imm12:12 rn:5 rd:5', exec: x.addImm32 },
  { name: 'ADDS_i_w', pattern: 'sf=0 op=0 S=1 100010 sh:1 imm12:12 rn:5 rd:5', exec: x.addsImm32 },
  { name: 'SUB_i_w', pattern: 'sf=0 op=1 S=0 100010 sh:1 imm12:12 rn:5 rd:5', exec: x.subImm32 },
  { name: 'SUBS_i_w', pattern: 'sf=0 op=1 S=1 100010 sh:1 imm12:12 rn:5 rd:5', exec: x.subsImm32 },
  { name: 'ADD_i_x', pattern: 'sf=1 op=0 S=0 100010 sh:1 imm12:12 rn:5 rd:5', exec: x.addImm64 },
  { name: 'ADDS_i_x', pattern: 'sf=1 op=0 S=1 100010 sh:1 imm12:12 rn:5 rd:5', exec: x.addsImm64 },
  { name: 'SUB_i_x', pattern: 'sf=1 op=1 S=0 100010 sh:1 imm12:12 rn:5 rd:5', exec: x.subImm64 },
  { name: 'SUBS_i_x', pattern: 'sf=1 op=1 S=1 100010 sh:1 imm12:12 rn:5 rd:5', exec: x.subsImm64 },

  // Logical (immediate)
  { name: 'AND_i_w', pattern: 'sf=0 opc=00 100100 N=0 immr:6 imms:6 rn:5 rd:5', exec: x.andImm32 },
  { name: 'ORR_i_w', pattern: 'sf=0 opc=01 100100 N=0 immr:6 imms:6 rn:5 rd:5', exec: x.orrImm32 },
  { name: 'EOR_i_w', pattern: 'sf=0 opc=10 100100 N=0 immr:6 imms:6 rn:5 rd:5', exec: x.eorImm32 },
  { name: 'ANDS_i_w', pattern: 'sf=0 opc=11 100100 N=0 immr:6 imms:6 rn:5 rd:5', exec: x.andsImm32 },
  { name: 'AND_i_x', pattern: 'sf=1 opc=00 100100 N:1 immr:6 imms:6 rn:5 rd:5', exec: x.andImm64 },
  { name: 'ORR_i_x', pattern: 'sf=1 opc=01 100100 N:1 immr:6 imms:6 rn:5 rd:5', exec: x.orrImm64 },
  { name: 'EOR_i_x', pattern: 'sf=1 opc=10 100100 N:1 immr:6 imms:6 rn:5 rd:5', exec: x.eorImm64 },
  { name: 'ANDS_i_x', pattern: 'sf=1 opc=11 100100 N:1 immr:6 imms:6 rn:5 rd:5', exec: x.andsImm64 },

  // Move wide (immediate)
  { name: 'MOVN_w', pattern: 'sf=0 opc=00 100101 hw=0- imm16:16 rd:5', exec: x.movn32 },
  { name: 'MOVZ_w', pattern: 'sf=0 opc=10 100101 hw=0- imm16:16 rd:5', exec: x.movz32 },
  { name: 'MOVK_w', pattern: 'sf=0 opc=11 100101 hw=0- imm16:16 rd:5', exec: x.movk32 },
  { name: 'MOVN_x', pattern: 'sf=1 opc=00 100101 hw:2 imm16:16 rd:5', exec: x.movn64 },
  { name: 'MOVZ_x', pattern: 'sf=1 opc=10 100101 hw:2 imm16:16 rd:5', exec: x.movz64 },
  { name: 'MOVK_x', pattern: 'sf=1 opc=11 100101 hw:2 imm16:16 rd:5', exec: x.movk64 },

  // Bitfield
  { name: 'SBFM_w', pattern: 'sf=0 opc=00 100110 N=0 0 immr:5 0 imms:5 rn:5 rd:5', exec: x.sbfm32 },
  { name: 'BFM_w', pattern: 'sf=0 opc=01 100110 N=0 0 immr:5 0 imms:5 rn:5 rd:5', exec: x.bfm32 },
  { name: 'UBFM_w', pattern: 'sf=0 opc=10 100110 N=0 0 immr:5 0 imms:5 rn:5 rd:5', exec: x.ubfm32 },
  { name: 'SBFM_x', pattern: 'sf=1 opc=00 100110 N=1 immr:6 imms:6 rn:5 rd:5', exec: x.sbfm64 },
  { name: 'BFM_x', pattern: 'sf=1 opc=01 100110 N=1 immr:6 imms:6 rn:5 rd:5', exec: x.bfm64 },
  { name: 'UBFM_x', pattern: 'sf=1 opc=10 100110 N=1 immr:6 imms:6 rn:5 rd:5', exec: x.ubfm64 },

  // Extract
  { name: 'EXTR_w', pattern: 'sf=0 op21=00 100111 N=0 o0=0 rm:5 0 imms:5 rn:5 rd:5', exec: x.extr32 },
  { name: 'EXTR_x', pattern: 'sf=1 op21=00 100111 N=1 o0=0 rm:5 imms:6 rn:5 rd:5', exec: x.extr64 },
];
