/**
 * Exception syndrome encodings (Arm ARM DDI 0487K.a D24.2.40 ESR_EL1, D24.2.41 ESR_EL2).
 * Names follow Linux's arch/arm64/include/asm/esr.h.
 */
export const ESR_ELx_EC_SHIFT = 26;
export const ESR_ELx_IL = 1 << 25;

export const ESR_ELx_EC_UNKNOWN = 0x00;
export const ESR_ELx_EC_WFx = 0x01;
export const ESR_ELx_EC_FP_ASIMD = 0x07;
export const ESR_ELx_EC_ILL = 0x0e;
export const ESR_ELx_EC_SVC64 = 0x15;
export const ESR_ELx_EC_HVC64 = 0x16;
export const ESR_ELx_EC_SMC64 = 0x17;
export const ESR_ELx_EC_SYS64 = 0x18;
export const ESR_ELx_EC_IABT_LOW = 0x20;
export const ESR_ELx_EC_IABT_CUR = 0x21;
export const ESR_ELx_EC_PC_ALIGN = 0x22;
export const ESR_ELx_EC_DABT_LOW = 0x24;
export const ESR_ELx_EC_DABT_CUR = 0x25;
export const ESR_ELx_EC_SP_ALIGN = 0x26;
export const ESR_ELx_EC_FP_EXC64 = 0x2c;
export const ESR_ELx_EC_SERROR = 0x2f;
export const ESR_ELx_EC_BREAKPT_LOW = 0x30;
export const ESR_ELx_EC_SOFTSTP_LOW = 0x32;
export const ESR_ELx_EC_WATCHPT_LOW = 0x34;
export const ESR_ELx_EC_BRK64 = 0x3c;

/** Data/instruction abort ISS fields (D24.2.40 "ISS encoding for an exception from a Data Abort"). */
export const ISS_ISV = 1 << 24;
export const ISS_SAS_SHIFT = 22;
export const ISS_SSE = 1 << 21;
export const ISS_SRT_SHIFT = 16;
export const ISS_SF = 1 << 15;
export const ISS_AR = 1 << 14;
export const ISS_VNCR = 1 << 13;
export const ISS_FNV = 1 << 10;
export const ISS_EA = 1 << 9;
export const ISS_CM = 1 << 8;
export const ISS_S1PTW = 1 << 7;
export const ISS_WNR = 1 << 6;

/** Fault status codes (DFSC/IFSC); add the level (0..3) to the level-based ones. */
export const FSC_ADDR_SIZE = 0x00;
export const FSC_TRANSLATION = 0x04;
export const FSC_ACCESS_FLAG = 0x08;
export const FSC_PERMISSION = 0x0c;
export const FSC_SYNC_EXTERNAL = 0x10;
export const FSC_SYNC_EXTERNAL_WALK = 0x14;
export const FSC_ALIGNMENT = 0x21;
export const FSC_TLB_CONFLICT = 0x30;

/** Build the syndrome fragment a load/store passes to the memory system (ISV=1 form). */
export function dataSyndrome(sizeLog2: number, signExtend: boolean, rt: number, sf: boolean, acqRel: boolean): number {
  return (
    ISS_ISV |
    (sizeLog2 << ISS_SAS_SHIFT) |
    (signExtend ? ISS_SSE : 0) |
    (rt << ISS_SRT_SHIFT) |
    (sf ? ISS_SF : 0) |
    (acqRel ? ISS_AR : 0)
  );
}

export function esr(ec: number, il: boolean, iss: number): number {
  return ((ec << ESR_ELx_EC_SHIFT) | (il ? ESR_ELx_IL : 0) | (iss & 0x1ffffff)) | 0;
}
