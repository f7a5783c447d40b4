/**
 * Code emitters for the block compiler, keyed by decode row name (decode/*.ts): each turns one
 * instruction word into JavaScript statements with every field folded to a constant. They
 * implement exactly what the row's executor does (same pseudocode, same CONSTRAINED
 * UNPREDICTABLE choices); where an encoding takes a path they do not cover (reserved shift
 * amounts, UNPREDICTABLE register overlaps, reserved immediates) they return undefined and the
 * compiler calls the executor instead. The differential tests run the same sequences through
 * both (tests/diff with blocks on).
 *
 * Emitted code sees: `s` (the register file), `cpu`, `pb` and `pcHi` (the virtual address of the
 * code page: instruction addresses are pb + a constant, which never carries into the high word,
 * see compile.ts), `ic` (cpu.icount before the block), and the helpers the compiler passes in:
 * A = checkSpAlignment, M = mul64, R = r64.
 *
 * Anything that can fault starts with `c.sync`, which makes s[S.PC] (the next instruction, the
 * interpreter's convention) and cpu.icount exact first, so an exception taken from inside a block
 * is indistinguishable from one taken by the interpreter.
 */
import { lo, hi, set64, set32, int, shift64, shift32, flagsLogic32, flagsLogic64, add32, sub32, add64, sub64, cond } from './gen.js';
import { BITMASK, BITMASK_OK, addSubImm, adrImm } from '../exec/data-proc-imm.js';
import { gprSyn, isPrfm } from '../exec/ldst.js';
import { off19 } from '../exec/branch.js';

export interface EmitCtx {
  /** Byte offset of the instruction in its page: its address is pb + at. */
  readonly at: number;
  /** Statements making s[S.PC] and cpu.icount exact for this instruction (before a fault). */
  readonly sync: string;
}

/** Straight-line instruction: statements, or undefined to call the executor. */
export type Emit = (insn: number, c: EmitCtx) => string | undefined;

/** A branch that ends a block. */
export interface BranchCode {
  /** JS boolean expression: the branch is taken; null: always. */
  readonly taken: string | null;
  /** PC-relative target: byte offset from this instruction. */
  readonly off?: number;
  /** Register target: the register number (31 reads as zero, as the executors do). */
  readonly reg?: number;
  /** Write the return address to X30 (BL, BLR). */
  readonly link: boolean;
}

export type EmitBranch = (insn: number) => BranchCode | undefined;

const rd = (insn: number): number => insn & 31;
const rn = (insn: number): number => (insn >>> 5) & 31;
const rm = (insn: number): number => (insn >>> 16) & 31;

// ---- data processing (immediate) --------------------------------------------------------------

function addSubImmediate(x: boolean, sub: boolean, flags: boolean): Emit {
  return (insn) => {
    const imm = addSubImm(insn);
    const d = rd(insn);
    const n = rn(insn);
    if (!x) return `const a=${lo(n, true)};${(sub ? sub32 : add32)('a', String(imm), 'r', flags)}${set32(d, !flags, 'r')}`;
    return `const al=${lo(n, true)},ah=${hi(n, true)};${(sub ? sub64 : add64)('al', 'ah', String(imm), '0', 'rl', 'rh', flags)}${set64(d, !flags, 'rl', 'rh')}`;
  };
}

/** AND/ORR/EOR/ANDS (immediate): opc 0..3; Rd is SP except for ANDS; Rn is ZR. */
function logicImm(x: boolean, opc: number): Emit {
  return (insn) => {
    const i = (insn >>> 10) & 0x1fff;
    if (BITMASK_OK[i] === 0) return undefined;
    const ml = int(BITMASK[2 * i]);
    const mh = int(BITMASK[2 * i + 1]);
    const op = opc === 1 ? '|' : opc === 2 ? '^' : '&';
    const d = rd(insn);
    const n = rn(insn);
    if (!x) {
      let out = `const r=${lo(n)}${op}${ml};`;
      if (opc === 3) out += flagsLogic32('r');
      return out + set32(d, opc !== 3, 'r');
    }
    let out = `const rl=${lo(n)}${op}${ml},rh=${hi(n)}${op}${mh};`;
    if (opc === 3) out += flagsLogic64('rl', 'rh');
    return out + set64(d, opc !== 3, 'rl', 'rh');
  };
}

/** MOVN (opc 0), MOVZ (2), MOVK (3). */
function moveWide(x: boolean, opc: number): Emit {
  return (insn) => {
    const d = rd(insn);
    if (d === 31) return '';
    const imm = (insn >>> 5) & 0xffff;
    const pos = ((insn >>> 21) & 3) * 16;
    const vl = pos < 32 ? (imm << pos) | 0 : 0;
    const vh = pos >= 32 ? (imm << (pos - 32)) | 0 : 0;
    if (opc === 2) return set64(d, false, int(vl), int(vh));
    if (opc === 0) return x ? set64(d, false, int(~vl), int(~vh)) : set32(d, false, int(~vl));
    const keep = ~(0xffff << (pos & 31)) | 0;
    if (pos < 32) return `s[${2 * d}]=(s[${2 * d}]&${int(keep)})|${int(vl)};` + (x ? '' : `s[${2 * d + 1}]=0;`);
    return `s[${2 * d + 1}]=(s[${2 * d + 1}]&${int(keep)})|${int(vh)};`;
  };
}

const adr: Emit = (insn, c) => {
  const d = rd(insn);
  if (d === 31) return '';
  const off = c.at + adrImm(insn);
  return `const rl=(pb+${int(off)})|0;${set64(d, false, 'rl', `(pcHi+${off < 0 ? -1 : 0}+((rl>>>0)<(pb>>>0)?1:0))|0`)}`;
};

const adrp: Emit = (insn) => {
  const d = rd(insn);
  if (d === 31) return '';
  const imm = adrImm(insn);
  const ol = (imm << 12) | 0;
  const oh = imm >> 20;
  return `const rl=(pb+${int(ol)})|0;${set64(d, false, 'rl', `(pcHi+${int(oh)}+((rl>>>0)<(pb>>>0)?1:0))|0`)}`;
};

/** SBFM/UBFM (BFM keeps the destination's other bits: left to its executor). */
function bitfield(x: boolean, signed: boolean): Emit {
  return (insn) => {
    const d = rd(insn);
    const n = rn(insn);
    const r = (insn >>> 16) & 63;
    const sI = (insn >>> 10) & 63;
    if (!x) {
      let v: string;
      if (sI >= r) {
        const w = sI - r + 1;
        v = `(${lo(n)}>>>${r})`;
        v = w === 32 ? `(${v}|0)` : signed ? `((${v}<<${32 - w})>>${32 - w})` : `(${v}&${int(2 ** w - 1)})`;
      } else {
        const w = sI + 1;
        v = signed ? `((${lo(n)}<<${32 - w})>>${32 - w})` : `(${lo(n)}&${int(2 ** w - 1)})`;
        v = `(${v}<<${32 - r})`;
      }
      return set32(d, false, v);
    }
    // 64-bit: extract bits [sI:r] to the bottom, or place bits [sI:0] at 64 - r; then fill the
    // bits above the field with zeros (UBFM) or the field's top bit (SBFM).
    let out: string;
    let w: number;
    if (sI >= r) {
      w = sI - r + 1;
      out = shift64(1, r, lo(n), hi(n), 'xl', 'xh');
    } else {
      w = sI + 1;
      out = `const xl=${lo(n)},xh=${hi(n)};`;
    }
    if (w < 32) out += signed ? `const yl=(xl<<${32 - w})>>${32 - w},yh=yl>>31;` : `const yl=xl&${int(2 ** w - 1)},yh=0;`;
    else if (w === 32) out += signed ? 'const yl=xl,yh=xl>>31;' : 'const yl=xl,yh=0;';
    else if (w < 64) out += signed ? `const yl=xl,yh=(xh<<${64 - w})>>${64 - w};` : `const yl=xl,yh=xh&${int(2 ** (w - 32) - 1)};`;
    else out += 'const yl=xl,yh=xh;';
    if (sI >= r) return out + set64(d, false, 'yl', 'yh');
    return out + shift64(0, 64 - r, 'yl', 'yh', 'zl', 'zh') + set64(d, false, 'zl', 'zh');
  };
}

function extr(x: boolean): Emit {
  return (insn) => {
    const d = rd(insn);
    const n = rn(insn);
    const m = rm(insn);
    const lsb = (insn >>> 10) & 63;
    if (!x) return set32(d, false, lsb === 0 ? lo(m) : `((${lo(m)}>>>${lsb})|(${lo(n)}<<${32 - lsb}))`);
    let out = `const ml=${lo(m)},mh=${hi(m)},nl=${lo(n)},nh=${hi(n)};`;
    if (lsb === 0) out += 'const rl=ml,rh=mh;';
    else if (lsb < 32) out += `const rl=(ml>>>${lsb})|(mh<<${32 - lsb}),rh=(mh>>>${lsb})|(nl<<${32 - lsb});`;
    else if (lsb === 32) out += 'const rl=mh,rh=nl;';
    else out += `const rl=(mh>>>${lsb - 32})|(nl<<${64 - lsb}),rh=(nl>>>${lsb - 32})|(nh<<${64 - lsb});`;
    return out + set64(d, false, 'rl', 'rh');
  };
}

// ---- data processing (register) ---------------------------------------------------------------

/** ADD/SUB(S) (shifted register): Rd, Rn, Rm are ZR for 31; shift 11 and 32-bit amounts >= 32 are reserved. */
function addSubShifted(x: boolean, sub: boolean, flags: boolean): Emit {
  return (insn) => {
    const type = (insn >>> 22) & 3;
    const amt = (insn >>> 10) & 63;
    if (type === 3 || (!x && amt >= 32)) return undefined;
    const d = rd(insn);
    const n = rn(insn);
    const m = rm(insn);
    if (!x) return `const a=${lo(n)},b=${shift32(type, amt, lo(m))};${(sub ? sub32 : add32)('a', 'b', 'r', flags)}${set32(d, false, 'r')}`;
    return `const al=${lo(n)},ah=${hi(n)};${shift64(type, amt, lo(m), hi(m), 'bl', 'bh')}${(sub ? sub64 : add64)('al', 'ah', 'bl', 'bh', 'rl', 'rh', flags)}${set64(d, false, 'rl', 'rh')}`;
  };
}

/** ADD/SUB(S) (extended register): Rn is SP, Rd is SP unless S; shift > 4 is reserved. */
function addSubExtended(x: boolean, sub: boolean, flags: boolean): Emit {
  return (insn) => {
    const option = (insn >>> 13) & 7;
    const sh = (insn >>> 10) & 7;
    if (sh > 4) return undefined;
    const d = rd(insn);
    const n = rn(insn);
    const m = rm(insn);
    const ml = lo(m);
    let el: string;
    let eh: string;
    switch (option) {
      case 0: el = `(${ml}&255)`; eh = '0'; break;
      case 1: el = `(${ml}&65535)`; eh = '0'; break;
      case 2: el = ml; eh = '0'; break;
      case 3: el = ml; eh = hi(m); break;
      case 4: el = `((${ml}<<24)>>24)`; eh = `(${el}>>31)`; break;
      case 5: el = `((${ml}<<16)>>16)`; eh = `(${el}>>31)`; break;
      case 6: el = ml; eh = `(${ml}>>31)`; break;
      default: el = ml; eh = hi(m); break;
    }
    if (!x) return `const a=${lo(n, true)},b=${el}<<${sh};${(sub ? sub32 : add32)('a', 'b', 'r', flags)}${set32(d, !flags, 'r')}`;
    return `const al=${lo(n, true)},ah=${hi(n, true)},el=${el},eh=${eh};${shift64(0, sh, 'el', 'eh', 'bl', 'bh')}${(sub ? sub64 : add64)('al', 'ah', 'bl', 'bh', 'rl', 'rh', flags)}${set64(d, !flags, 'rl', 'rh')}`;
  };
}

/** Logical (shifted register): opc 0 AND, 1 ORR, 2 EOR, 3 ANDS; N (bit 21) inverts the operand. */
function logicShifted(x: boolean): Emit {
  return (insn) => {
    const type = (insn >>> 22) & 3;
    const amt = (insn >>> 10) & 63;
    if (!x && amt >= 32) return undefined;
    const opc = (insn >>> 29) & 3;
    const inv = (insn & 0x200000) !== 0 ? '~' : '';
    const op = opc === 1 ? '|' : opc === 2 ? '^' : '&';
    const d = rd(insn);
    const n = rn(insn);
    const m = rm(insn);
    if (!x) {
      let out = `const r=${lo(n)}${op}${inv}${shift32(type, amt, lo(m))};`;
      if (opc === 3) out += flagsLogic32('r');
      return out + set32(d, false, 'r');
    }
    let out = shift64(type, amt, lo(m), hi(m), 'bl', 'bh') + `const rl=${lo(n)}${op}${inv}bl,rh=${hi(n)}${op}${inv}bh;`;
    if (opc === 3) out += flagsLogic64('rl', 'rh');
    return out + set64(d, false, 'rl', 'rh');
  };
}

/** CSEL (op 0, o2 0), CSINC (0, 1), CSINV (1, 0), CSNEG (1, 1). */
function condSelect(x: boolean): Emit {
  return (insn) => {
    const c = (insn >>> 12) & 15;
    const op = (insn >>> 30) & 1;
    const o2 = (insn >>> 10) & 1;
    const d = rd(insn);
    if (d === 31) return '';
    const n = rn(insn);
    const m = rm(insn);
    if (!x) {
      const v = lo(m);
      const f = op === 0 ? (o2 === 0 ? v : `(${v}+1)|0`) : o2 === 0 ? `~${v}` : `(-${v})|0`;
      return set32(d, false, `(${cond(c)}?${lo(n)}:${f})`);
    }
    let out = `let rl,rh;if(${cond(c)}){rl=${lo(n)};rh=${hi(n)};}else{const ml=${lo(m)},mh=${hi(m)};`;
    if (op === 0 && o2 === 0) out += 'rl=ml;rh=mh;';
    else if (op === 0) out += 'rl=(ml+1)|0;rh=(mh+(rl===0?1:0))|0;';
    else if (o2 === 0) out += 'rl=~ml;rh=~mh;';
    else out += 'rl=(-ml)|0;rh=(~mh+(ml===0?1:0))|0;';
    return out + '}' + set64(d, false, 'rl', 'rh');
  };
}

/** CCMP (sub) / CCMN (add), register (imm = false) or immediate Rm field. */
function condCompare(x: boolean, sub: boolean, imm: boolean): Emit {
  return (insn) => {
    const c = (insn >>> 12) & 15;
    const nzcv = insn & 15;
    const n = rn(insn);
    const m = rm(insn);
    const set = `s[70]=${(nzcv >>> 3) & 1};s[71]=${(nzcv >>> 2) & 1};s[72]=${(nzcv >>> 1) & 1};s[73]=${nzcv & 1};`;
    let cmp: string;
    if (!x) {
      cmp = `const a=${lo(n)},b=${imm ? String(m) : lo(m)};${(sub ? sub32 : add32)('a', 'b', 'r', true)}`;
    } else {
      cmp = `const al=${lo(n)},ah=${hi(n)},bl=${imm ? String(m) : lo(m)},bh=${imm ? '0' : hi(m)};${(sub ? sub64 : add64)('al', 'ah', 'bl', 'bh', 'rl', 'rh', true)}`;
    }
    return `if(${cond(c)}){${cmp}}else{${set}}`;
  };
}

/** LSLV/LSRV/ASRV/RORV (op2 = type): the amount is Rm modulo the register size. */
function shiftVariable(x: boolean, type: number): Emit {
  return (insn) => {
    const d = rd(insn);
    const n = rn(insn);
    const m = rm(insn);
    if (x) return `const rl=SH(${lo(n)},${hi(n)},${type},${lo(m)}&63),rh=R[1];${set64(d, false, 'rl', 'rh')}`;
    const v = lo(n);
    let e: string;
    switch (type) {
      case 0: e = `${v}<<(a&31)`; break;
      case 1: e = `(${v}>>>(a&31))|0`; break;
      case 2: e = `${v}>>(a&31)`; break;
      default: e = `(${v}>>>(a&31))|(${v}<<(32-(a&31)))`; break; // amount 0: v << 32 is v
    }
    return `const a=${lo(m)},r=${e};${set32(d, false, 'r')}`;
  };
}

/** CLZ: CountLeadingZeroBits. */
function clz(x: boolean): Emit {
  return (insn) => {
    const d = rd(insn);
    const n = rn(insn);
    if (!x) return set32(d, false, `Math.clz32(${lo(n)})`);
    return `const h=${hi(n)},r=h!==0?Math.clz32(h):32+Math.clz32(${lo(n)});${set32(d, false, 'r')}`;
  };
}

/** MADD/MSUB: Rd = Ra +/- Rn * Rm. */
function mulAdd(x: boolean, sub: boolean): Emit {
  return (insn) => {
    const d = rd(insn);
    const n = rn(insn);
    const m = rm(insn);
    const a = (insn >>> 10) & 31;
    if (!x) return set32(d, false, `(${lo(a)}${sub ? '-' : '+'}Math.imul(${lo(n)},${lo(m)}))|0`);
    return `const pl=M(${lo(n)},${hi(n)},${lo(m)},${hi(m)}),ph=R[1],al=${lo(a)},ah=${hi(a)};${(sub ? sub64 : add64)('al', 'ah', 'pl', 'ph', 'rl', 'rh', false)}${set64(d, false, 'rl', 'rh')}`;
  };
}

// ---- loads and stores -------------------------------------------------------------------------

/**
 * The access of a single-register load/store at (ah, al), by size:opc (as exec/ldst.ts
 * gprAccess): the value read is written to Rt only after the access succeeded.
 */
function gprAccess(insn: number, syn: number): string {
  const t = insn & 31;
  const so = ((insn >>> 28) & 0xc) | ((insn >>> 22) & 3);
  switch (so) {
    case 0x0: return `cpu.write8(ah,al,${lo(t)},${syn});`;
    case 0x1: return `const v=cpu.read8(ah,al,${syn});${set32(t, false, 'v')}`;
    case 0x2: return `const v=(cpu.read8(ah,al,${syn})<<24)>>24;${set64(t, false, 'v', 'v>>31')}`;
    case 0x3: return `const v=(cpu.read8(ah,al,${syn})<<24)>>24;${set32(t, false, 'v')}`;
    case 0x4: return `cpu.write16(ah,al,${lo(t)},${syn});`;
    case 0x5: return `const v=cpu.read16(ah,al,${syn});${set32(t, false, 'v')}`;
    case 0x6: return `const v=(cpu.read16(ah,al,${syn})<<16)>>16;${set64(t, false, 'v', 'v>>31')}`;
    case 0x7: return `const v=(cpu.read16(ah,al,${syn})<<16)>>16;${set32(t, false, 'v')}`;
    case 0x8: return `cpu.write32(ah,al,${lo(t)},${syn});`;
    case 0x9: return `const v=cpu.read32(ah,al,${syn});${set32(t, false, 'v')}`;
    case 0xa: return `const v=cpu.read32(ah,al,${syn});${set64(t, false, 'v', 'v>>31')}`;
    case 0xc: return `cpu.write64(ah,al,${lo(t)},${hi(t)},${syn});`;
    case 0xd: return `const v=cpu.read64(ah,al,${syn}),vh=cpu.rhi;${set64(t, false, 'v', 'vh')}`;
    default: throw new Error(`blocks: no GPR access for size:opc 0x${so.toString(16)}`);
  }
}


/** The SP alignment check when the base is SP (after sync: it can fault). */
const spCheck = (n: number): string => (n === 31 ? 'A(cpu);' : '');

/** LDR/STR (unsigned offset) and LDUR/STUR (unscaled). */
function ldstImm(unscaled: boolean): Emit {
  return (insn, c) => {
    if (isPrfm(insn)) return '';
    const n = rn(insn);
    const off = unscaled ? (insn << 11) >> 23 : ((insn >>> 10) & 0xfff) << (insn >>> 30);
    const addr = `const bl=${lo(n, true)},al=(bl+${int(off)})|0,ah=(${hi(n, true)}+${off < 0 ? -1 : 0}+((al>>>0)<(bl>>>0)?1:0))|0;`;
    return c.sync + spCheck(n) + addr + gprAccess(insn, gprSyn(insn));
  };
}

/** LDR/STR (register offset): base + (ExtendReg(Rm, option) << (S ? size : 0)). */
const ldstReg: Emit = (insn, c) => {
  if (isPrfm(insn)) return '';
  const n = rn(insn);
  const m = rm(insn);
  const option = (insn >>> 13) & 7;
  const sh = (insn & 0x1000) !== 0 ? insn >>> 30 : 0;
  const oh = option === 2 ? '0' : option === 6 ? `(${lo(m)}>>31)` : hi(m);
  return (
    c.sync + spCheck(n) +
    `const bl=${lo(n, true)},bh=${hi(n, true)},xl=${lo(m)},xh=${oh};` +
    shift64(0, sh, 'xl', 'xh', 'ol', 'oh') +
    'const al=(bl+ol)|0,ah=(bh+oh+((al>>>0)<(bl>>>0)?1:0))|0;' +
    gprAccess(insn, gprSyn(insn))
  );
};

/** Pre-index (pre) and post-index immediate forms: ISV = 0; a load into Rn suppresses the writeback. */
function ldstWb(pre: boolean): Emit {
  return (insn, c) => {
    const n = rn(insn);
    const t = insn & 31;
    const load = ((insn >>> 22) & 3) !== 0;
    const imm = (insn << 11) >> 23;
    let out = c.sync + spCheck(n) + `const bl=${lo(n, true)},bh=${hi(n, true)},wl=(bl+${int(imm)})|0,wh=(bh+${imm < 0 ? -1 : 0}+((wl>>>0)<(bl>>>0)?1:0))|0;`;
    out += pre ? 'const al=wl,ah=wh;' : 'const al=bl,ah=bh;';
    out += gprAccess(insn, 0);
    if (!(load && n === t && n !== 31)) out += set64(n, true, 'wl', 'wh');
    return out;
  };
}

/** LDP/STP/LDNP/STNP of W or X registers (as exec/ldst.ts ldstPair; LDPSW is left to it). */
const ldstPair: Emit = (insn, c) => {
  const opc = insn >>> 30;
  if (opc === 1) return undefined;
  const mode = (insn >>> 23) & 3;
  const load = (insn & 0x00400000) !== 0;
  const n = rn(insn);
  const t = insn & 31;
  const t2 = (insn >>> 10) & 31;
  const scale = 2 + (opc >>> 1);
  const imm = ((insn << 10) >> 25) << scale;
  let out = c.sync + spCheck(n) + `const bl=${lo(n, true)},bh=${hi(n, true)},wl=(bl+${int(imm)})|0,wh=(bh+${imm < 0 ? -1 : 0}+((wl>>>0)<(bl>>>0)?1:0))|0;`;
  out += mode !== 1 ? 'const al=wl,ah=wh;' : 'const al=bl,ah=bh;';
  out += `const a2=(al+${1 << scale})|0,h2=(a2>>>0)<(al>>>0)?(ah+1)|0:ah;`;
  const wb = (mode & 1) !== 0;
  if (load) {
    if (scale === 3) out += 'const v1=cpu.read64(ah,al,0),h1=cpu.rhi,v2=cpu.read64(h2,a2,0),g2=cpu.rhi;';
    else out += 'const v1=cpu.read32(ah,al,0),v2=cpu.read32(h2,a2,0),h1=0,g2=0;';
    out += set64(t, false, 'v1', 'h1') + set64(t2, false, 'v2', 'g2');
    if (wb && (n === 31 || (n !== t && n !== t2))) out += set64(n, true, 'wl', 'wh');
    return out;
  }
  out += `const v1=${lo(t)},h1=${hi(t)},v2=${lo(t2)},g2=${hi(t2)};`;
  if (scale === 3) out += 'cpu.write64(ah,al,v1,h1,0);cpu.write64(h2,a2,v2,g2,0);';
  else out += 'cpu.write32(ah,al,v1,0);cpu.write32(h2,a2,v2,0);';
  if (wb) out += set64(n, true, 'wl', 'wh');
  return out;
};

// ---- branches ---------------------------------------------------------------------------------


const bCond: EmitBranch = (insn) => ({ taken: cond(insn & 15), off: off19(insn), link: false });

function cbz(x: boolean, nonzero: boolean): EmitBranch {
  return (insn) => {
    const t = insn & 31;
    const v = x ? `(${lo(t)}|${hi(t)})` : lo(t);
    return { taken: `${v}${nonzero ? '!==' : '==='}0`, off: off19(insn), link: false };
  };
}

function tbz(nonzero: boolean): EmitBranch {
  return (insn) => {
    const t = insn & 31;
    const bit = ((insn >>> 26) & 32) | ((insn >>> 19) & 31);
    const w = bit < 32 ? lo(t) : hi(t);
    return { taken: `(${w}&${int(1 << (bit & 31))})${nonzero ? '!==' : '==='}0`, off: ((insn << 13) >> 18) << 2, link: false };
  };
}

/** Straight-line emitters by decode row name. */
export const EMIT: Readonly<Record<string, Emit>> = (() => {
  const e: Record<string, Emit> = {
    ADR: adr,
    ADRP: adrp,
    // Hints without effect here (as their executors: nop, barrier); SEV/SEVL, WFE/WFI and ISB
    // keep their executors and end the block.
    NOP: () => '',
    YIELD: () => '',
    HINT: () => '',
    DMB: () => '',
    DSB: () => '',
    CLREX: () => 'cpu.exclValid=false;',
    CLZ_w: clz(false),
    CLZ_x: clz(true),
    SBFM_w: bitfield(false, true),
    UBFM_w: bitfield(false, false),
    SBFM_x: bitfield(true, true),
    UBFM_x: bitfield(true, false),
    EXTR_w: extr(false),
    EXTR_x: extr(true),
    MADD_w: mulAdd(false, false),
    MSUB_w: mulAdd(false, true),
    MADD_x: mulAdd(true, false),
    MSUB_x: mulAdd(true, true),
  };
  for (const [x, sf] of [[false, 'w'], [true, 'x']] as const) {
    e[`ADD_i_${sf}`] = addSubImmediate(x, false, false);
    e[`ADDS_i_${sf}`] = addSubImmediate(x, false, true);
    e[`SUB_i_${sf}`] = addSubImmediate(x, true, false);
    e[`SUBS_i_${sf}`] = addSubImmediate(x, true, true);
    ['AND', 'ORR', 'EOR', 'ANDS'].forEach((op, opc) => (e[`${op}_i_${sf}`] = logicImm(x, opc)));
    e[`MOVN_${sf}`] = moveWide(x, 0);
    e[`MOVZ_${sf}`] = moveWide(x, 2);
    e[`MOVK_${sf}`] = moveWide(x, 3);
    for (const op of ['AND', 'BIC', 'ORR', 'ORN', 'EOR', 'EON', 'ANDS', 'BICS']) e[`${op}_sr_${sf}`] = logicShifted(x);
    e[`ADD_sr_${sf}`] = addSubShifted(x, false, false);
    e[`ADDS_sr_${sf}`] = addSubShifted(x, false, true);
    e[`SUB_sr_${sf}`] = addSubShifted(x, true, false);
    e[`SUBS_sr_${sf}`] = addSubShifted(x, true, true);
    e[`ADD_er_${sf}`] = addSubExtended(x, false, false);
    e[`ADDS_er_${sf}`] = addSubExtended(x, false, true);
    e[`SUB_er_${sf}`] = addSubExtended(x, true, false);
    e[`SUBS_er_${sf}`] = addSubExtended(x, true, true);
    e[`CSEL_${sf}`] = condSelect(x);
    e[`CSINC_${sf}`] = condSelect(x);
    e[`CSINV_${sf}`] = condSelect(x);
    e[`CSNEG_${sf}`] = condSelect(x);
    e[`CCMP_r_${sf}`] = condCompare(x, true, false);
    e[`CCMN_r_${sf}`] = condCompare(x, false, false);
    e[`CCMP_i_${sf}`] = condCompare(x, true, true);
    e[`CCMN_i_${sf}`] = condCompare(x, false, true);
    ['LSLV', 'LSRV', 'ASRV', 'RORV'].forEach((op, type) => (e[`${op}_${sf}`] = shiftVariable(x, type)));
  }
  // Single-register GPR loads/stores (decode/ldst.ts GPR_OPS and their renamed forms).
  const gpr = ['STRB', 'LDRB', 'LDRSB_64', 'LDRSB_32', 'STRH', 'LDRH', 'LDRSH_64', 'LDRSH_32', 'STR_32', 'LDR_32', 'LDRSW', 'STR_64', 'LDR_64'];
  for (const name of gpr) {
    e[`${name}_ui`] = ldstImm(false);
    e[name.startsWith('LDR') ? 'LDUR' + name.slice(3) : 'STUR' + name.slice(3)] = ldstImm(true);
    e[`${name}_reg`] = ldstReg;
    e[`${name}_post`] = ldstWb(false);
    e[`${name}_pre`] = ldstWb(true);
  }
  e.PRFM_ui = () => '';
  e.PRFUM = () => '';
  e.PRFM_reg = () => '';
  for (const sf of ['32', '64']) {
    for (const mode of ['off', 'pre', 'post']) {
      e[`STP_${sf}_${mode}`] = ldstPair;
      e[`LDP_${sf}_${mode}`] = ldstPair;
    }
    e[`STNP_${sf}`] = ldstPair;
    e[`LDNP_${sf}`] = ldstPair;
  }
  return e;
})();

/** Branch emitters by decode row name: these end a block. */
export const EMIT_BRANCH: Readonly<Record<string, EmitBranch>> = {
  B: (insn) => ({ taken: null, off: (insn << 6) >> 4, link: false }),
  BL: (insn) => ({ taken: null, off: (insn << 6) >> 4, link: true }),
  B_cond_EQ_NE: bCond,
  B_cond_CS_CC: bCond,
  B_cond_MI_PL: bCond,
  B_cond_VS_VC: bCond,
  B_cond_HI_LS: bCond,
  B_cond_GE_LT: bCond,
  B_cond_GT_LE: bCond,
  B_cond_AL_NV: bCond,
  CBZ: (insn) => cbz(insn >>> 31 === 1, false)(insn),
  CBNZ: (insn) => cbz(insn >>> 31 === 1, true)(insn),
  TBZ: tbz(false),
  TBNZ: tbz(true),
  BR: (insn) => ({ taken: null, reg: rn(insn), link: false }),
  BLR: (insn) => ({ taken: null, reg: rn(insn), link: true }),
  RET: (insn) => ({ taken: null, reg: rn(insn), link: false }),
};
