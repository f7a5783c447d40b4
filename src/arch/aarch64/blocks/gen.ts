/**
 * Pieces of JavaScript source the block emitters assemble (blocks/emitters.ts). Everything is
 * decided at compile time from constant instruction fields: register numbers become constant
 * indices into the register file `s` (state.ts layout), register 31 becomes SP (s[62..63]) or
 * the literal 0, shift amounts and immediates become literals. 64-bit values stay (lo, hi) int32
 * pairs, as in the interpreter.
 *
 * Temporaries are `const`s inside the `{ ... }` scope each instruction gets, so names repeat
 * freely between instructions.
 */

/** Register-file word of X0 lo; X[n] lo is 2n, hi 2n + 1; S.SP = 62, S.NF..S.VF = 70..73. */
const SP = 62;

/** JS expression for the low word of register n: 31 is SP when `sp`, else zero. */
export function lo(n: number, sp = false): string {
  return n === 31 ? (sp ? `s[${SP}]` : '0') : `s[${2 * n}]`;
}

/** JS expression for the high word of register n. */
export function hi(n: number, sp = false): string {
  return n === 31 ? (sp ? `s[${SP + 1}]` : '0') : `s[${2 * n + 1}]`;
}

/** Statements writing the 64-bit value (l, h) (side-effect-free expressions) to register n. */
export function set64(n: number, sp: boolean, l: string, h: string): string {
  if (n === 31 && !sp) return '';
  const b = n === 31 ? SP : 2 * n;
  return `s[${b}]=${l};s[${b + 1}]=${h};`;
}

/** Statements writing the 32-bit value v (zero-extended) to register n. */
export function set32(n: number, sp: boolean, v: string): string {
  return set64(n, sp, v, '0');
}

/** A JS literal for an int32 value. */
export function int(v: number): string {
  const x = v | 0;
  return x < 0 ? `(${x})` : String(x);
}

/**
 * Statements declaring `ol`, `oh` = (l, h) shifted by a constant (DecodeShift: 0 LSL, 1 LSR,
 * 2 ASR, 3 ROR) amount 0..63 (Arm ARM ShiftReg()).
 */
export function shift64(type: number, amt: number, l: string, h: string, ol: string, oh: string): string {
  if (amt === 0) return `const ${ol}=${l},${oh}=${h};`;
  switch (type) {
    case 0:
      if (amt < 32) return `const ${ol}=${l}<<${amt},${oh}=(${h}<<${amt})|(${l}>>>${32 - amt});`;
      if (amt === 32) return `const ${ol}=0,${oh}=${l};`;
      return `const ${ol}=0,${oh}=${l}<<${amt - 32};`;
    case 1:
      if (amt < 32) return `const ${ol}=(${l}>>>${amt})|(${h}<<${32 - amt}),${oh}=(${h}>>>${amt})|0;`;
      if (amt === 32) return `const ${ol}=${h},${oh}=0;`;
      return `const ${ol}=(${h}>>>${amt - 32})|0,${oh}=0;`;
    case 2:
      if (amt < 32) return `const ${ol}=(${l}>>>${amt})|(${h}<<${32 - amt}),${oh}=${h}>>${amt};`;
      if (amt === 32) return `const ${ol}=${h},${oh}=${h}>>31;`;
      return `const ${ol}=${h}>>${amt - 32},${oh}=${h}>>31;`;
    default:
      if (amt < 32) return `const ${ol}=(${l}>>>${amt})|(${h}<<${32 - amt}),${oh}=(${h}>>>${amt})|(${l}<<${32 - amt});`;
      if (amt === 32) return `const ${ol}=${h},${oh}=${l};`;
      return `const ${ol}=(${h}>>>${amt - 32})|(${l}<<${64 - amt}),${oh}=(${l}>>>${amt - 32})|(${h}<<${64 - amt});`;
  }
}

/** Expression: the 32-bit value v shifted by a constant (type as shift64, amount 0..31). */
export function shift32(type: number, amt: number, v: string): string {
  if (amt === 0) return v;
  switch (type) {
    case 0: return `(${v}<<${amt})`;
    case 1: return `((${v}>>>${amt})|0)`;
    case 2: return `(${v}>>${amt})`;
    default: return `((${v}>>>${amt})|(${v}<<${32 - amt}))`;
  }
}

/** NZ from a 32-bit result r, C and V cleared (logical S forms). */
export function flagsLogic32(r: string): string {
  return `s[70]=${r}>>>31;s[71]=${r}===0?1:0;s[72]=0;s[73]=0;`;
}

/** NZ from a 64-bit result (rl, rh), C and V cleared. */
export function flagsLogic64(rl: string, rh: string): string {
  return `s[70]=${rh}>>>31;s[71]=(${rl}|${rh})===0?1:0;s[72]=0;s[73]=0;`;
}

/**
 * `const r` = a + b (32-bit), and with `flags` NZCV as AddWithCarry(a, b, 0) sets them
 * (Arm ARM J1 shared/functions/integer/AddWithCarry). a and b must be temporaries.
 */
export function add32(a: string, b: string, r: string, flags: boolean): string {
  let out = `const ${r}=(${a}+${b})|0;`;
  if (flags) out += `s[70]=${r}>>>31;s[71]=${r}===0?1:0;s[72]=(${a}>>>0)+(${b}>>>0)>4294967295?1:0;s[73]=((${a}^${r})&(${b}^${r}))<0?1:0;`;
  return out;
}

/** `const r` = a - b (32-bit): AddWithCarry(a, NOT b, 1). */
export function sub32(a: string, b: string, r: string, flags: boolean): string {
  let out = `const ${r}=(${a}-${b})|0;`;
  if (flags) out += `s[70]=${r}>>>31;s[71]=${r}===0?1:0;s[72]=(${a}>>>0)>=(${b}>>>0)?1:0;s[73]=((${a}^${b})&(${a}^${r}))<0?1:0;`;
  return out;
}

/** `const rl, rh` = (al, ah) + (bl, bh); temporaries only. */
export function add64(al: string, ah: string, bl: string, bh: string, rl: string, rh: string, flags: boolean): string {
  let out = `const ${rl}=(${al}+${bl})|0;const c_${rl}=(${rl}>>>0)<(${al}>>>0)?1:0;const ${rh}=(${ah}+${bh}+c_${rl})|0;`;
  if (flags) {
    out += `s[70]=${rh}>>>31;s[71]=(${rl}|${rh})===0?1:0;s[72]=(${ah}>>>0)+(${bh}>>>0)+c_${rl}>4294967295?1:0;s[73]=((${ah}^${rh})&(${bh}^${rh}))<0?1:0;`;
  }
  return out;
}

/** `const rl, rh` = (al, ah) - (bl, bh); temporaries only. */
export function sub64(al: string, ah: string, bl: string, bh: string, rl: string, rh: string, flags: boolean): string {
  let out = `const ${rl}=(${al}-${bl})|0;const w_${rl}=(${al}>>>0)<(${bl}>>>0)?1:0;const ${rh}=(${ah}-${bh}-w_${rl})|0;`;
  if (flags) {
    out += `s[70]=${rh}>>>31;s[71]=(${rl}|${rh})===0?1:0;s[72]=(${ah}>>>0)-(${bh}>>>0)-w_${rl}>=0?1:0;s[73]=((${ah}^${bh})&(${ah}^${rh}))<0?1:0;`;
  }
  return out;
}

/** JS boolean expression: ConditionHolds(cond) on s[70..73] (Arm ARM C1.2.4). */
export function cond(c: number): string {
  let r: string;
  switch (c >>> 1) {
    case 0: r = 's[71]!==0'; break;
    case 1: r = 's[72]!==0'; break;
    case 2: r = 's[70]!==0'; break;
    case 3: r = 's[73]!==0'; break;
    case 4: r = '(s[72]!==0&&s[71]===0)'; break;
    case 5: r = 's[70]===s[73]'; break;
    case 6: r = '(s[70]===s[73]&&s[71]===0)'; break;
    default: return 'true';
  }
  return (c & 1) !== 0 ? `!(${r})` : `(${r})`;
}
