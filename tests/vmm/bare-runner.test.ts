import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBareMetal, BareMachine, BareExitInfo, RAM_BASE, WARN_BURST } from '../../src/vmm/bare-runner.js';
import { writeElf } from '../../src/vmm/elf.js';
import { InvalidArgumentError, InvalidImageError } from '../../src/vmm/errors.js';
import { Stop } from '../../src/arch/aarch64/cpu.js';
import { S } from '../../src/arch/aarch64/state.js';
import { run } from '../../src/arch/aarch64/run.js';
import { findRow } from '../../src/arch/aarch64/decode/table.js';
import { assemble } from '../helpers/asm.js';
import { getX, setX, getPC } from '../helpers/machine.js';

const ENTRY = 0x40080000;
const GUESTS = fileURLToPath(new URL('../../../tests/guests/', import.meta.url));

function image(words: ArrayLike<number>): Uint8Array {
  const b = new Uint8Array(words.length * 4);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < words.length; i++) dv.setUint32(4 * i, words[i] >>> 0, true);
  return writeElf(ENTRY, [{ paddr: ENTRY, data: b }]);
}

/** A machine whose code is never executed: for driving trap handlers by hand. */
function machine(warn?: (line: string) => void): { m: BareMachine; out: string[] } {
  const out: string[] = [];
  const m = BareMachine.create({ kernel: image([0xd503201f]), warn: warn ?? ((l) => out.push(l)), memMiB: 16 });
  return { m, out };
}

/** Report a trap as the CPU would: ESR_EL2 (IL set), FAR_EL2, HPFAR_EL2 for `ipa`. */
function trap(m: BareMachine, ec: number, iss: number, far = 0, ipa = far): BareExitInfo | undefined {
  const s = m.cpu.s;
  s[S.ESR_EL2] = (ec << 26) | (1 << 25) | iss;
  s[S.FAR_EL2] = far | 0;
  s[S.FAR_EL2_HI] = 0;
  s[S.HPFAR_EL2] = ((ipa / 4096) << 4) | 0;
  s[S.HPFAR_EL2_HI] = 0;
  return m.handleStop(Stop.TRAP);
}

const HVC = 0x16;
const SMC = 0x17;
const IABT = 0x20;
const DABT = 0x24;
const ISV = 1 << 24;
const SSE = 1 << 21;
const SF = 1 << 15;
const WNR = 1 << 6;
const dabtIss = (sas: number, srt: number, flags: number): number => ISV | (sas << 22) | (srt << 16) | flags | 0x07; // DFSC level-3 translation

function hvc(m: BareMachine, fid: number, x1 = 0n): BareExitInfo | undefined {
  setX(m.cpu, 0, BigInt(fid));
  setX(m.cpu, 1, x1);
  return trap(m, HVC, 0);
}

/** Whether every word decodes (the instruction executors have landed). */
function decodable(words: ArrayLike<number>): boolean {
  for (let i = 0; i < words.length; i++) if (findRow(words[i] | 0) === undefined) return false;
  return true;
}

// ---- options and images ---------------------------------------------------------------------

test('rejects an unknown CPU model, naming the valid ones', () => {
  assert.throws(
    () => runBareMetal({ kernel: image([0]), cpu: 'cortex-a72' }),
    (e: unknown) => e instanceof InvalidArgumentError && e.option === 'cpu' && /cortex-a57, max/.test(e.message),
  );
});

test('rejects bad memory sizes and instruction limits', () => {
  for (const memMiB of [0, -1, 1.5, 4096, NaN]) {
    assert.throws(() => runBareMetal({ kernel: image([0]), memMiB }), (e: unknown) => e instanceof InvalidArgumentError && e.option === 'memMiB');
  }
  assert.throws(() => runBareMetal({ kernel: image([0]), maxInstructions: 0 }), InvalidArgumentError);
});

test('rejects an image that does not fit RAM', () => {
  const big = writeElf(ENTRY, [{ paddr: ENTRY, data: new Uint8Array(4), memsz: 16 << 20 }]);
  assert.throws(
    () => runBareMetal({ kernel: big, memMiB: 16 }),
    (e: unknown) => e instanceof InvalidImageError && e.message === 'kernel: segment 0 [0x40080000,0x41080000) lies outside RAM [0x40000000,0x41000000)',
  );
});

test('loads segments at their physical address and zero-fills up to memsz', () => {
  const kernel = writeElf(ENTRY, [
    { paddr: ENTRY, data: new Uint8Array([0x1f, 0x20, 0x03, 0xd5]) },
    { paddr: 0x40100000, data: new Uint8Array([1, 2, 3]), memsz: 0x1000 },
  ]);
  const m = BareMachine.create({ kernel, memMiB: 16 });
  const h = m.ramHost + (0x40100000 - RAM_BASE);
  assert.deepEqual([...m.mem.u8.subarray(h, h + 5)], [1, 2, 3, 0, 0]);
  assert.equal(getPC(m.cpu), BigInt(ENTRY));
  assert.equal(m.cpu.s[S.HCR_EL2] & ((1 << 19) | 1), (1 << 19) | 1, 'HCR_EL2.VM and TSC');
});

// ---- PSCI -----------------------------------------------------------------------------------

test('PSCI_VERSION over HVC answers 1.1 and resumes at the next instruction', () => {
  const { m } = machine();
  const pc = getPC(m.cpu);
  assert.equal(hvc(m, 0x84000000), undefined);
  assert.equal(getX(m.cpu, 0), 0x10001n);
  assert.equal(getPC(m.cpu), pc, 'HVC already returns past itself');
});

test('SYSTEM_OFF powers off and SYSTEM_RESET resets', () => {
  assert.deepEqual(hvc(machine().m, 0x84000008), { exit: 'poweroff' });
  assert.deepEqual(hvc(machine().m, 0x84000009), { exit: 'reset' });
  assert.deepEqual(hvc(machine().m, 0x84000012, 0n), { exit: 'reset' }); // SYSTEM_RESET2 warm
});

test('an unknown PSCI function returns NOT_SUPPORTED (-1) in x0', () => {
  const { m } = machine();
  for (const fid of [0x8400ffff, 0xc4000000 + 0x55, 0x12345678, 0x80000001]) {
    setX(m.cpu, 2, 0x1234n);
    assert.equal(hvc(m, fid), undefined);
    assert.equal(getX(m.cpu, 0), 0xffffffffffffffffn, `fid 0x${fid.toString(16)}`);
  }
});

test('PSCI_FEATURES, MIGRATE_INFO_TYPE, SMCCC_VERSION, CPU_ON and AFFINITY_INFO answer as KVM does', () => {
  const { m } = machine();
  hvc(m, 0x8400000a, 0x84000008n);
  assert.equal(getX(m.cpu, 0), 0n, 'SYSTEM_OFF is implemented');
  hvc(m, 0x8400000a, 0xc4000003n);
  assert.equal(getX(m.cpu, 0), 0n, 'CPU_ON (SMC64) is implemented');
  hvc(m, 0x8400000a, 0x84000015n);
  assert.equal(getX(m.cpu, 0), 0xffffffffffffffffn, 'SYSTEM_OFF2 is not');
  hvc(m, 0x84000006);
  assert.equal(getX(m.cpu, 0), 2n, 'MIGRATE_INFO_TYPE: TOS_MP (nothing to migrate)');
  hvc(m, 0x80000000);
  assert.equal(getX(m.cpu, 0), 0x10001n, 'SMCCC 1.1');
  hvc(m, 0xc4000003, 0n);
  assert.equal(getX(m.cpu, 0), BigInt.asUintN(64, -4n), 'CPU_ON of the running CPU: ALREADY_ON');
  hvc(m, 0xc4000003, 1n);
  assert.equal(getX(m.cpu, 0), BigInt.asUintN(64, -2n), 'CPU_ON of a CPU that does not exist');
  hvc(m, 0xc4000004, 0n);
  assert.equal(getX(m.cpu, 0), 0n, 'AFFINITY_INFO: CPU 0 is on');
});

test('PSCI results clear x1-x3 as KVM does', () => {
  const { m } = machine();
  setX(m.cpu, 2, 5n);
  setX(m.cpu, 3, 6n);
  hvc(m, 0x84000000, 7n);
  assert.deepEqual([getX(m.cpu, 1), getX(m.cpu, 2), getX(m.cpu, 3)], [0n, 0n, 0n]);
});

test('a trapped SMC returns to itself, so the VMM steps PC past it', () => {
  const { m } = machine();
  const pc = getPC(m.cpu);
  setX(m.cpu, 0, 0x84000000n);
  assert.equal(trap(m, SMC, 0), undefined);
  assert.equal(getX(m.cpu, 0), 0x10001n);
  assert.equal(getPC(m.cpu), pc + 4n);
  setX(m.cpu, 0, 0x84000008n);
  assert.deepEqual(trap(m, SMC, 0), { exit: 'poweroff' });
});

test('an SMC with a non-zero immediate is not a PSCI call: x0 = -1', () => {
  const { m } = machine();
  setX(m.cpu, 0, 0x84000008n);
  assert.equal(trap(m, SMC, 1), undefined);
  assert.equal(getX(m.cpu, 0), 0xffffffffffffffffn);
});

// ---- MMIO -----------------------------------------------------------------------------------

test('a byte store to the PL011 data register prints it and steps PC', () => {
  const out: Uint8Array[] = [];
  const m = BareMachine.create({ kernel: image([0]), memMiB: 16, console: (b) => out.push(b) });
  const pc = getPC(m.cpu);
  setX(m.cpu, 1, 0xffffff41n);
  assert.equal(trap(m, DABT, dabtIss(0, 1, WNR), 0x09000000), undefined);
  assert.equal(getPC(m.cpu), pc + 4n);
  m.uart.flush();
  assert.equal(Buffer.from(out[0]).toString(), 'A');
  assert.equal(m.finish(), 'A');
});

test('MMIO reads are sign-extended per SSE and SF', () => {
  const { m } = machine();
  const pcell3 = 0x09000ffc; // PCellID3 = 0xb1
  trap(m, DABT, dabtIss(0, 2, SSE | SF), pcell3); // LDRSB Xt
  assert.equal(getX(m.cpu, 2), 0xffffffffffffffb1n);
  setX(m.cpu, 3, 0xdeadbeefdeadbeefn);
  trap(m, DABT, dabtIss(0, 3, SSE), pcell3); // LDRSB Wt: 32-bit, top half zero
  assert.equal(getX(m.cpu, 3), 0xffffffb1n);
  trap(m, DABT, dabtIss(0, 4, 0), pcell3); // LDRB
  assert.equal(getX(m.cpu, 4), 0xb1n);
  trap(m, DABT, dabtIss(2, 5, SSE | SF), 0x09000018); // LDRSW of UARTFR (0x90: positive)
  assert.equal(getX(m.cpu, 5), 0x90n);
  trap(m, DABT, dabtIss(1, 6, SSE | SF), 0x09000fe0); // LDRSH of PeriphID0
  assert.equal(getX(m.cpu, 6), 0x11n);
  setX(m.cpu, 7, 0x1234n);
  trap(m, DABT, dabtIss(3, 7, SF), 0x09000fe4); // 64-bit read of a 32-bit device
  assert.equal(getX(m.cpu, 7), 0n);
});

test('an MMIO read into XZR is discarded and a store of XZR writes zero', () => {
  const out: Uint8Array[] = [];
  const m = BareMachine.create({ kernel: image([0]), memMiB: 16, console: (b) => out.push(b) });
  trap(m, DABT, dabtIss(2, 31, 0), 0x09000fe0);
  assert.equal(m.cpu.s[S.ZR], 0);
  trap(m, DABT, dabtIss(0, 31, WNR), 0x09000000);
  m.uart.flush();
  assert.deepEqual([...out[0]], [0]);
});

test('MMIO outside any device reads 0, ignores writes, and warns a few times only', () => {
  const { m, out } = machine();
  for (let i = 0; i < 50; i++) {
    setX(m.cpu, 1, 0x1234n);
    assert.equal(trap(m, DABT, dabtIss(2, 1, 0), 0x0a000000 + 4 * i), undefined);
    assert.equal(getX(m.cpu, 1), 0n);
    assert.equal(trap(m, DABT, dabtIss(2, 1, WNR), 0x0a000000), undefined);
  }
  assert.equal(out.length, WARN_BURST + 1);
  assert.match(out[0], /unhandled MMIO read of 4 bytes from 0xa000000/);
  m.finish();
  assert.equal(out.length, WARN_BURST + 2);
  assert.match(out[out.length - 1], /100 accesses to unhandled MMIO addresses in total/);
});

test('a data abort without a valid syndrome ends the run with PC and FAR', () => {
  const { m } = machine();
  const r = trap(m, DABT, WNR | 0x07, 0x09000008);
  assert.equal(r?.exit, 'error');
  assert.match(r?.message ?? '', /ISV=0\) at PC 0x40080000, FAR 0x9000008/);
});

test('an instruction abort outside RAM ends with a message, not an exception', () => {
  const { m } = machine();
  m.cpu.s[S.PC] = 0x1000;
  const r = trap(m, IABT, 0x06, 0x1000);
  assert.deepEqual(r, { exit: 'error', message: 'guest jumped to 0x1000 outside RAM' });
});

test('unknown trap classes, WFI and internal errors end the run', () => {
  const { m } = machine();
  assert.equal(trap(m, 0x3f, 0)?.exit, 'error');
  assert.match(trap(m, 0x18, 0)?.message ?? '', /EC 0x18/);
  assert.equal(m.handleStop(Stop.WFI)?.exit, 'halted');
  m.cpu.internalError = new TypeError('boom');
  assert.deepEqual(m.handleStop(Stop.INTERNAL_ERROR), { exit: 'error', message: 'internal error at PC 0x40080000: boom' });
  assert.equal(m.handleStop(Stop.BUDGET), undefined);
});

// ---- whole runs -----------------------------------------------------------------------------

test('a guest whose first instruction is undefined ends in error naming the exception', () => {
  const r = runBareMetal({ kernel: image([0x00000000]), memMiB: 16, maxInstructions: 1000 });
  assert.equal(r.exit, 'error');
  assert.match(r.message ?? '', /guest jumped to 0x200 outside RAM: an exception was taken to VBAR_EL1 0x0 \+ 0x200 \(ESR_EL1 0x2000000, EC 0x0, ELR_EL1 0x40080000\)/);
  assert.ok(r.instructions >= 1 && r.instructions <= 2);
  assert.equal(r.console, '');
});

const HELLO_SRC = `
  movz x0, #0x0900, lsl #16
  movz w1, #'H'
  strb w1, [x0]
  movz w1, #'i'
  strb w1, [x0]
  movz w1, #10
  str  w1, [x0]
  movz w0, #0x0008
  movk w0, #0x8400, lsl #16
  hvc  #0
  b    .
`;

test('hand-assembled guest prints through the PL011 and powers off via PSCI (needs the executors)', (t) => {
  const words = assemble(HELLO_SRC);
  if (!decodable(words)) return t.skip('instruction executors have not landed yet');
  const chunks: string[] = [];
  const r = runBareMetal({ kernel: image(words), memMiB: 16, maxInstructions: 1000, console: (b) => chunks.push(Buffer.from(b).toString()) });
  assert.equal(r.exit, 'poweroff', r.message);
  assert.equal(r.console, 'Hi\n');
  assert.equal(chunks.join(''), 'Hi\n');
  assert.equal(r.instructions, 10);
});

/** Run a machine as runBareMetal does, returning how it ended. */
function runMachine(m: BareMachine, budget: number): BareExitInfo | undefined {
  const end = m.cpu.icount + budget;
  while (m.cpu.icount < end) {
    const r = m.handleStop(run(m.cpu, end - m.cpu.icount));
    if (r !== undefined) return r;
  }
  return undefined;
}

test('ldrsb from the PL011 ID registers sign-extends into X registers (needs the executors)', (t) => {
  const words = assemble(`
    movz x0, #0x0900, lsl #16
    ldrsb x2, [x0, #0xffc]
    ldrsb w3, [x0, #0xffc]
    ldrb  w4, [x0, #0xffc]
    ldrsh x5, [x0, #0xfe0]
    ldr   w6, [x0, #0x18]
    movz w0, #0x0008
    movk w0, #0x8400, lsl #16
    hvc  #0
  `);
  if (!decodable(words)) return t.skip('instruction executors have not landed yet');
  const m = BareMachine.create({ kernel: image(words), memMiB: 16 });
  setX(m.cpu, 3, 0xdeadbeef00000000n);
  assert.deepEqual(runMachine(m, 100), { exit: 'poweroff' });
  assert.equal(getX(m.cpu, 2), 0xffffffffffffffb1n);
  assert.equal(getX(m.cpu, 3), 0xffffffb1n);
  assert.equal(getX(m.cpu, 4), 0xb1n);
  assert.equal(getX(m.cpu, 5), 0x11n);
  assert.equal(getX(m.cpu, 6), 0x90n);
});

test('SMC steps past itself; an unknown PSCI function returns -1 (needs the executors)', (t) => {
  const words = assemble(`
    movz w0, #0x0000
    movk w0, #0x8400, lsl #16
    smc  #0
    mov  x5, x0
    movz w0, #0xffff
    movk w0, #0x8400, lsl #16
    hvc  #0
    mov  x6, x0
    movz w0, #0x0008
    movk w0, #0x8400, lsl #16
    smc  #0
    b    .
  `);
  if (!decodable(words)) return t.skip('instruction executors have not landed yet');
  const m = BareMachine.create({ kernel: image(words), memMiB: 16 });
  assert.deepEqual(runMachine(m, 100), { exit: 'poweroff' });
  assert.equal(getX(m.cpu, 5), 0x10001n);
  assert.equal(getX(m.cpu, 6), 0xffffffffffffffffn);
  assert.equal(getPC(m.cpu), BigInt(ENTRY + 11 * 4), 'PC past the last SMC');
});

test('a guest that branches outside RAM ends with error, not a host exception (needs the executors)', (t) => {
  const words = assemble(`
    movz x0, #0x1000
    br   x0
  `);
  if (!decodable(words)) return t.skip('instruction executors have not landed yet');
  const r = runBareMetal({ kernel: image(words), memMiB: 16, maxInstructions: 100 });
  assert.equal(r.exit, 'error');
  assert.equal(r.message, 'guest jumped to 0x1000 outside RAM');
});

test('a guest spinning forever stops at the instruction limit (needs the executors)', (t) => {
  const words = assemble('b .');
  if (!decodable(words)) return t.skip('instruction executors have not landed yet');
  const r = runBareMetal({ kernel: image(words), memMiB: 16, maxInstructions: 2_500_000 });
  assert.equal(r.exit, 'limit');
  assert.equal(r.instructions, 2_500_000);
});

test('a WFI with nothing to wake it halts the machine (needs the executors)', (t) => {
  const words = assemble('wfi');
  if (!decodable(words)) return t.skip('instruction executors have not landed yet');
  const r = runBareMetal({ kernel: image(words), memMiB: 16, maxInstructions: 100 });
  assert.equal(r.exit, 'halted');
});

test('boots the hello guest to poweroff with QEMU\'s console output (needs the executors)', (t) => {
  const elf = GUESTS + 'build/hello.elf';
  if (!existsSync(elf)) return t.skip('tests/guests/build/hello.elf not built');
  const r = runBareMetal({ kernel: new Uint8Array(readFileSync(elf)), maxInstructions: 50_000_000 });
  if (r.exit === 'error' && /EC 0x0[,)]/.test(r.message ?? '')) return t.skip(`an instruction is still undefined: ${r.message}`);
  assert.equal(r.exit, 'poweroff', r.message);
  const golden = GUESTS + 'golden/hello.txt';
  if (existsSync(golden)) assert.equal(r.console, readFileSync(golden, 'utf8'));
});
