/**
 * Condition codes (Arm ARM C1.2.4, pseudocode ConditionHolds()). Shared by B.cond, CSEL and
 * friends, CCMP/CCMN and FCSEL/FCCMP.
 */
import { S } from '../state.js';

/** Whether condition `cond` (0..15) holds for the NZCV flags in the register file `s`. */
export function conditionHolds(s: Int32Array, cond: number): boolean {
  let r: boolean;
  switch (cond >>> 1) {
    case 0: r = s[S.ZF] !== 0; break; // EQ / NE
    case 1: r = s[S.CF] !== 0; break; // CS / CC
    case 2: r = s[S.NF] !== 0; break; // MI / PL
    case 3: r = s[S.VF] !== 0; break; // VS / VC
    case 4: r = s[S.CF] !== 0 && s[S.ZF] === 0; break; // HI / LS
    case 5: r = s[S.NF] === s[S.VF]; break; // GE / LT
    case 6: r = s[S.NF] === s[S.VF] && s[S.ZF] === 0; break; // GT / LE
    default: return true; // AL, and NV which also means "always" in A64
  }
  return (cond & 1) !== 0 ? !r : r;
}
