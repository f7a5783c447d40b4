/**
 * The generic timer (Arm ARM DDI 0487K.a D12 "The Generic Timer in AArch64 state"): the system
 * counter, the EL1 physical timer (CNTP_*) and the virtual timer (CNTV_*).
 *
 * The system count (the Arm ARM's PhysicalCountInt()) is floor(cpu.icount * cpu.ticksPerInsn) in
 * deterministic mode, else the host clock since cpu.timeOrigin scaled to cpu.counterFrequency
 * (62.5 MHz by default, what CNTFRQ_EL0 reads). Both views subtract an EL2 offset from it, each
 * its own (the CNTPCT_EL0 and CNTVCT_EL0 pseudocode; FEAT_ECV for the physical one):
 *   CNTPCT = system count - CNTPOFF_EL2      CNTVCT = system count - CNTVOFF_EL2
 * so CNTVCT = CNTPCT - CNTVOFF_EL2 only while CNTPOFF_EL2 is 0 (KVM relies on this: its VM-wide
 * voffset and poffset are both relative to the host's counter). The offsets are constants while
 * the guest runs, so every distance in ticks (TVAL, deadlines) is that of the system count.
 * Timer state is CTL (ENABLE bit 0, IMASK bit 1; ISTATUS bit 2 is
 * computed on read) and the 64-bit CVAL; TVAL is a view of CVAL (D12.2.4):
 *   TVAL read  = (CVAL - count)<31:0>, a signed 32-bit value; bits 63:32 of the register are RES0
 *   TVAL write: CVAL = count + SignExtend(TVAL<31:0>)
 *   ISTATUS    = ENABLE && count >= CVAL (unsigned 64-bit compare)
 *
 * The hypervisor reads the interrupt line level with timerCondition(), sleeps in WFI until
 * timerDeadlineMs(), and ends an interpreter chunk at the timer's deadline: timerDeadlineIcount()
 * in deterministic mode (exact), timerDeadlineMs() converted at the vCPU's measured speed with the
 * host clock. So that a guest re-arming its timer without trapping (MSR CNTx_CTL_EL0 / TVAL) is
 * seen at once, such a write (or one of CVAL) ends run() with Stop.TIMER when the hypervisor set
 * cpu.stopOnTimerWrite. 64-bit values are (lo, hi) pairs: reads return lo and leave hi in cpu.rhi.
 */
import { Stop, type Cpu } from './cpu.js';
import { S, SR, srIndex } from './state.js';

/** Which timer: the virtual timer (CNTV_*, PPI 27) or the EL1 physical timer (CNTP_*, PPI 30). */
export const TIMER_VIRT = 0;
export const TIMER_PHYS = 1;

/** CNTx_CTL_EL0 bits. */
export const CNT_CTL_ENABLE = 1;
export const CNT_CTL_IMASK = 2;
export const CNT_CTL_ISTATUS = 4;

const TWO32 = 4294967296;
/** Deadlines further out than this many ticks or instructions are "never" (beyond exact doubles). */
const FAR = 2 ** 52;

/** The system count before any offset, PhysicalCountInt() (lo; hi in cpu.rhi). */
export function readSystemCount(cpu: Cpu): number {
  let t: number;
  if (cpu.deterministic) t = Math.floor(cpu.icount * cpu.ticksPerInsn);
  else t = Math.floor(((performance.now() - cpu.timeOrigin) * cpu.counterFrequency) / 1000);
  if (!(t > 0)) t = 0;
  const hi = Math.floor(t / TWO32);
  cpu.rhi = hi | 0;
  return (t - hi * TWO32) | 0;
}

/** The system count minus the 64-bit offset at state word w (lo, hi), modulo 2^64 (lo; hi in cpu.rhi). */
function offsetCount(cpu: Cpu, w: number): number {
  const s = cpu.s;
  const plo = readSystemCount(cpu);
  const phi = cpu.rhi;
  const olo = s[w];
  const lo = (plo - olo) | 0;
  const borrow = (plo >>> 0) < (olo >>> 0) ? 1 : 0;
  cpu.rhi = (phi - s[w + 1] - borrow) | 0;
  return lo;
}

/** CNTPCT_EL0 = system count - CNTPOFF_EL2 (lo; hi in cpu.rhi). */
export function readCntpct(cpu: Cpu): number {
  return offsetCount(cpu, S.CNTPOFF_EL2);
}

/** CNTVCT_EL0 = system count - CNTVOFF_EL2 (lo; hi in cpu.rhi). */
export function readCntvct(cpu: Cpu): number {
  return offsetCount(cpu, S.CNTVOFF_EL2);
}

/** The count a timer compares against (lo; hi in cpu.rhi). */
export function timerCount(cpu: Cpu, which: number): number {
  return which === TIMER_VIRT ? readCntvct(cpu) : readCntpct(cpu);
}

function ctlWord(which: number): number {
  return srIndex(which === TIMER_VIRT ? SR.CNTV_CTL_EL0 : SR.CNTP_CTL_EL0);
}

function cvalWord(which: number): number {
  return srIndex(which === TIMER_VIRT ? SR.CNTV_CVAL_EL0 : SR.CNTP_CVAL_EL0);
}

/** A guest write that may move a timer's deadline (CTL, TVAL, CVAL): end run() if the hypervisor asked (Stop.TIMER). */
function timerWritten(cpu: Cpu): void {
  if (cpu.stopOnTimerWrite && cpu.stop === 0) cpu.stop = Stop.TIMER;
}

/** Whether (ahi, alo) >= (bhi, blo) as unsigned 64-bit numbers. */
function geU64(ahi: number, alo: number, bhi: number, blo: number): boolean {
  if (ahi !== bhi) return ahi >>> 0 > bhi >>> 0;
  return alo >>> 0 >= blo >>> 0;
}

/** ISTATUS: ENABLE and the count has reached CVAL. */
function istatus(cpu: Cpu, which: number): boolean {
  const s = cpu.s;
  if ((s[ctlWord(which)] & CNT_CTL_ENABLE) === 0) return false;
  const clo = timerCount(cpu, which);
  const chi = cpu.rhi;
  const w = cvalWord(which);
  return geU64(chi, clo, s[w + 1], s[w]);
}

/** CNTx_CTL_EL0 read: ENABLE and IMASK as written, ISTATUS computed. */
export function readTimerCtl(cpu: Cpu, which: number): number {
  const v = (cpu.s[ctlWord(which)] & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) | (istatus(cpu, which) ? CNT_CTL_ISTATUS : 0);
  cpu.rhi = 0;
  return v;
}

/** CNTx_CTL_EL0 write (ISTATUS is read-only; other bits RES0). */
export function writeTimerCtl(cpu: Cpu, which: number, v: number): void {
  const w = ctlWord(which);
  cpu.s[w] = v & (CNT_CTL_ENABLE | CNT_CTL_IMASK);
  cpu.s[w + 1] = 0;
  timerWritten(cpu);
}

/** CNTx_CVAL_EL0 write (the deadline moves: Stop.TIMER when the hypervisor asked for it). */
export function writeTimerCval(cpu: Cpu, which: number, lo: number, hi: number): void {
  const w = cvalWord(which);
  cpu.s[w] = lo;
  cpu.s[w + 1] = hi;
  timerWritten(cpu);
}

/** CNTx_TVAL_EL0 read: (CVAL - count)<31:0>; bits 63:32 are RES0 (read as zero). */
export function readTimerTval(cpu: Cpu, which: number): number {
  const clo = timerCount(cpu, which);
  const v = (cpu.s[cvalWord(which)] - clo) | 0;
  cpu.rhi = 0;
  return v;
}

/** CNTx_TVAL_EL0 write: CVAL = count + SignExtend(v<31:0>). */
export function writeTimerTval(cpu: Cpu, which: number, v: number): void {
  const clo = timerCount(cpu, which);
  const chi = cpu.rhi;
  const lo = (clo + v) | 0;
  const carry = (clo >>> 0) + (v >>> 0) > 0xffffffff ? 1 : 0;
  const w = cvalWord(which);
  cpu.s[w] = lo;
  cpu.s[w + 1] = (chi + (v >> 31) + carry) | 0;
  timerWritten(cpu);
}

/**
 * The timer's interrupt line: ISTATUS && !IMASK (D12.2.4). The hypervisor's timer code drives
 * the PPI from this.
 */
export function timerCondition(cpu: Cpu, which: number): boolean {
  if ((cpu.s[ctlWord(which)] & CNT_CTL_IMASK) !== 0) return false;
  return istatus(cpu, which);
}

/**
 * Milliseconds until timerCondition() becomes true (0 if it already is), Infinity if the timer
 * is disabled or masked. In deterministic mode the counter only moves with instructions, so the
 * value is the host time the remaining ticks would take at counterFrequency: a hypervisor
 * sleeping on it must advance the instruction count itself.
 */
export function timerDeadlineMs(cpu: Cpu, which: number): number {
  const ticks = ticksToCondition(cpu, which);
  return ticks === 0 || ticks === Infinity ? ticks : (ticks * 1000) / cpu.counterFrequency;
}

/**
 * Ticks until timerCondition() becomes true: 0 if it already is, Infinity if the timer is disabled
 * or masked or the distance is beyond FAR. Modular like the compare: CVAL - count as unsigned.
 */
function ticksToCondition(cpu: Cpu, which: number): number {
  const s = cpu.s;
  const ctl = s[ctlWord(which)];
  if ((ctl & CNT_CTL_ENABLE) === 0 || (ctl & CNT_CTL_IMASK) !== 0) return Infinity;
  const clo = timerCount(cpu, which);
  const chi = cpu.rhi;
  const w = cvalWord(which);
  if (geU64(chi, clo, s[w + 1], s[w])) return 0;
  const ticks = ((s[w + 1] >>> 0) - (chi >>> 0)) * TWO32 + ((s[w] >>> 0) - (clo >>> 0));
  return ticks < FAR ? ticks : Infinity;
}

/**
 * Deterministic mode: the value of cpu.icount at which timerCondition() first becomes true,
 * cpu.icount itself if it already is, Infinity if the timer is disabled or masked (or its deadline
 * is beyond 2^52). The counter an instruction reads is floor(icount * ticksPerInsn) with icount
 * already counting that instruction (run.ts counts before executing), so this is the smallest
 * n > icount with floor(n * ticksPerInsn) >= the system count the timer needs, found with the
 * same floating-point expression readSystemCount() uses: a run() chunk ending at icount = n leaves the
 * condition true, and one ending at n - 1 does not.
 */
export function timerDeadlineIcount(cpu: Cpu, which: number): number {
  const ticks = ticksToCondition(cpu, which);
  if (ticks === 0) return cpu.icount;
  const tpi = cpu.ticksPerInsn;
  if (ticks === Infinity || !(tpi > 0)) return Infinity;
  // The system count to reach: both views are the system count minus a constant offset, so the
  // distance in ticks is the same whatever the timer and its offset.
  const p = detCount(cpu.icount, tpi) + ticks;
  // f(n) = detCount(n) is non-decreasing; gallop up from the estimate, then bisect down to the
  // first n with f(n) >= p. f(icount) < p is known.
  let lo = cpu.icount;
  let hi = Math.max(lo + 1, Math.ceil(p / tpi));
  for (let step = 1; detCount(hi, tpi) < p; step *= 2) {
    lo = hi;
    hi += step;
    if (hi > FAR) return Infinity;
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (detCount(mid, tpi) >= p) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The deterministic system count at a given icount, exactly as readSystemCount() computes it. */
function detCount(icount: number, tpi: number): number {
  const t = Math.floor(icount * tpi);
  return t > 0 ? t : 0;
}
