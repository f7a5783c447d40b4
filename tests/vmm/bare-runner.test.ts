import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBareMetal, BareMachine, BareExitInfo, RAM_BASE, WARN_BURST } from '../../src/vmm/bare-runner.js';
import { writeElf } from '../../src/vmm/elf.js';
import { InvalidArgumentError, InvalidImageError } from '../../src/vmm/errors.js';
import { KVM_REG_ARM_CORE_REG } from '../../src/hyp/uapi/kvm-arm64.js';
import { KVM_MEM_READONLY } from '../../src/hyp/uapi/kvm.js';
import { assemble } from '../helpers/asm.js';

const ENTRY = 0x40080000;
const GUESTS = fileURLToPath(new URL('../../../tests/guests/', import.meta.url));
const X = (n: number): bigint => KVM_REG_ARM_CORE_REG(`regs.regs[${n}]`);

function image(words: ArrayLike<number>): Uint8Array {
  const b = new Uint8Array(words.length * 4);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < words.length; i++) dv.setUint32(4 * i, words[i] >>> 0, true);
  return writeElf(ENTRY, [{ paddr: ENTRY, data: b }]);
}

/** Run a machine exit by exit, as runBareMetal does, returning how it ended. */
function runMachine(m: BareMachine, budget: number): BareExitInfo | undefined {
  const end = m.instructions + budget;
  while (m.instructions < end) {
    const r = m.step(end - m.instructions);
    if (r !== undefined) return r;
  }
  return undefined;
}

function machine(src: string, warn?: (line: string) => void, console?: (b: Uint8Array) => void): BareMachine {
  return BareMachine.create({ kernel: image(assemble(src)), memMiB: 16, warn, console });
}

const x = (m: BareMachine, n: number): bigint => m.vcpu.getOneReg(X(n)) as bigint;

const POWEROFF = `
  movz w0, #0x0008
  movk w0, #0x8400, lsl #16
  hvc  #0
`;

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

test('builds the VM through the API: RAM as slot 0, segments loaded, PC at the entry point', () => {
  const kernel = writeElf(ENTRY, [
    { paddr: ENTRY, data: new Uint8Array([0x1f, 0x20, 0x03, 0xd5]) },
    { paddr: 0x40100000, data: new Uint8Array([1, 2, 3]), memsz: 0x1000 },
  ]);
  const m = BareMachine.create({ kernel, memMiB: 16 });
  assert.deepEqual([...m.ram.subarray(0x100000, 0x100005)], [1, 2, 3, 0, 0]);
  assert.equal(m.pc, BigInt(ENTRY));
  const slot = m.vm.findSlot(RAM_BASE);
  assert.equal(slot?.size, 16 << 20);
  assert.equal((slot?.flags ?? 0) & KVM_MEM_READONLY, 0);
  assert.equal(m.vm.vcpus.length, 1);
  assert.equal(m.vcpu.initialized, true);
});

// ---- PSCI -----------------------------------------------------------------------------------

test('PSCI over HVC and SMC: version, NOT_SUPPORTED, and SYSTEM_OFF powers off', () => {
  const m = machine(`
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
  assert.deepEqual(runMachine(m, 100), { exit: 'poweroff' });
  assert.equal(x(m, 5), 0x10001n);
  assert.equal(x(m, 6), 0xffffffffffffffffn);
  assert.equal(m.pc, BigInt(ENTRY + 11 * 4), 'PC past the last SMC');
});

test('SYSTEM_RESET ends the run with exit reset', () => {
  const r = runBareMetal({ kernel: image(assemble('movz w0, #9\n movk w0, #0x8400, lsl #16\n hvc #0')), memMiB: 16 });
  assert.equal(r.exit, 'reset');
  assert.equal(r.stats.byExitReason.find((e) => e.name === 'KVM_EXIT_SYSTEM_EVENT')?.count, 1);
});

test('PSCI CPU_OFF of the only CPU halts the machine', () => {
  const r = runBareMetal({ kernel: image(assemble('movz w0, #2\n movk w0, #0x8400, lsl #16\n hvc #0\n b .')), memMiB: 16 });
  assert.deepEqual([r.exit, r.message], ['halted', 'PSCI CPU_OFF turned off the only CPU']);
});

// ---- MMIO -----------------------------------------------------------------------------------

const HELLO_SRC = `
  movz x0, #0x0900, lsl #16
  movz w1, #'H'
  strb w1, [x0]
  movz w1, #'i'
  strb w1, [x0]
  movz w1, #10
  str  w1, [x0]
  ${POWEROFF}
  b    .
`;

test('a guest prints through the PL011 (KVM_EXIT_MMIO) and powers off via PSCI', () => {
  const chunks: string[] = [];
  const r = runBareMetal({ kernel: image(assemble(HELLO_SRC)), memMiB: 16, maxInstructions: 1000, console: (b) => chunks.push(Buffer.from(b).toString()) });
  assert.equal(r.exit, 'poweroff', r.message);
  assert.equal(r.console, 'Hi\n');
  assert.equal(chunks.join(''), 'Hi\n');
  assert.equal(r.instructions, 10);
  assert.equal(r.stats.counters.mmio_exit_user, 3);
  assert.equal(r.stats.byEc.find((e) => e.name === 'DABT_LOW')?.count, 3);
});

test('PL011 reads are sign-extended into X registers as the syndrome says', () => {
  const m = machine(`
    movz x0, #0x0900, lsl #16
    ldrsb x2, [x0, #0xffc]
    ldrsb w3, [x0, #0xffc]
    ldrb  w4, [x0, #0xffc]
    ldrsh x5, [x0, #0xfe0]
    ldr   w6, [x0, #0x18]
    ldr   x7, [x0, #0xfe8]
    ldr   w8, [x0, #0xfe0]
    strb  wzr, [x0]
    mov   x19, x2
    mov   x20, x3
    ${POWEROFF}
  `);
  m.vcpu.setOneReg(X(3), 0xdeadbeef00000000n);
  m.vcpu.setOneReg(X(7), 0x1234n);
  m.vcpu.setOneReg(X(8), 0x1234n);
  assert.deepEqual(runMachine(m, 100), { exit: 'poweroff' });
  assert.equal(x(m, 19), 0xffffffffffffffb1n);
  assert.equal(x(m, 20), 0xffffffb1n);
  assert.equal(x(m, 4), 0xb1n);
  assert.equal(x(m, 5), 0x11n);
  assert.equal(x(m, 6), 0x90n);
  assert.equal(x(m, 7), 0n, '64-bit read of a 32-bit device reads 0');
  assert.equal(x(m, 8), 0x11n);
  assert.equal(m.finish(), '\0', 'a store of XZR writes a zero byte');
});

test('MMIO outside any device reads 0, ignores writes, and warns a few times only', () => {
  const out: string[] = [];
  const m = machine(
    `
    movz x0, #0x0a00, lsl #16
    mov  x2, #50
  1: movz x1, #0x1234
    ldr  w1, [x0], #0
    ldr  w1, [x0]
    str  w1, [x0, #4]
    subs x2, x2, #1
    b.ne 1b
    ${POWEROFF}
  `.replace('ldr  w1, [x0], #0\n', ''),
    (l) => out.push(l),
  );
  assert.deepEqual(runMachine(m, 10_000), { exit: 'poweroff' });
  assert.equal(x(m, 1), 0n);
  assert.equal(out.length, WARN_BURST);
  assert.match(out[0], /unhandled MMIO read of 4 bytes from 0xa000000 at PC 0x4008000c \(reads 0\)/);
  m.finish();
  assert.equal(out.length, WARN_BURST + 1);
  assert.equal(out[out.length - 1], `typevisor: ${100 - WARN_BURST} messages suppressed`);
});

test('a data abort without a valid syndrome ends the run with PC and IPA', () => {
  const r = runBareMetal({ kernel: image(assemble('movz x0, #0x0900, lsl #16\n str x1, [x0, #8]!')), memMiB: 16 });
  assert.equal(r.exit, 'error');
  assert.equal(r.message, 'data abort without a valid syndrome (ISV=0) at PC 0x40080004, IPA 0x9000008: the access cannot be emulated as MMIO');
});

// ---- whole runs -----------------------------------------------------------------------------

test('a guest whose first instruction is undefined, with no vectors in RAM, ends in error', () => {
  const r = runBareMetal({ kernel: image([0x00000000]), memMiB: 16, maxInstructions: 1000 });
  assert.equal(r.exit, 'error');
  assert.equal(
    r.message,
    'guest jumped to 0x200 outside RAM: its exception vectors at VBAR_EL1 0x0 lie outside RAM (ESR_EL1 0x86000010, ELR_EL1 0x200)',
  );
  assert.ok(r.instructions <= 1000);
  assert.equal(r.console, '');
});

test('a guest that branches outside RAM gets a prefetch abort, and with no vectors ends in error', () => {
  const r = runBareMetal({ kernel: image(assemble('movz x0, #0x1000\n br x0')), memMiB: 16, maxInstructions: 100 });
  assert.equal(r.exit, 'error');
  assert.match(r.message ?? '', /^guest jumped to 0x200 outside RAM: its exception vectors at VBAR_EL1 0x0 lie outside RAM/);
  assert.ok((r.stats.byEc.find((e) => e.name === 'IABT_LOW')?.count ?? 0) >= 16);
});

test('a guest spinning forever stops at the instruction limit', () => {
  const r = runBareMetal({ kernel: image(assemble('b .')), memMiB: 16, maxInstructions: 2_500_000 });
  assert.equal(r.exit, 'limit');
  assert.equal(r.instructions, 2_500_000);
  assert.equal(r.message, 'instruction limit reached (2500000) at PC 0x40080000');
});

test('a WFI with nothing to wake it halts the machine', () => {
  const r = runBareMetal({ kernel: image(assemble('wfi')), memMiB: 16, maxInstructions: 100 });
  assert.equal(r.exit, 'halted');
  assert.match(r.message ?? '', /nothing is armed to wake it \(PC 0x40080004\)/);
  assert.equal(r.stats.counters.wfi_exit_stat, 1);
});

test('without an interrupt controller, a WFI with the virtual timer armed sleeps until it fires and goes on', () => {
  // CNTV_TVAL = 62500 ticks (1 ms at 62.5 MHz), enabled and unmasked; WFI; power off. With a GIC
  // the wake-up needs PPI 27 enabled there (tests/guests/gic-timer.c), as on hardware.
  const r = runBareMetal({
    kernel: image(
      assemble(`
      movz x1, #62500
      msr  cntv_tval_el0, x1
      mov  x1, #1
      msr  cntv_ctl_el0, x1
      wfi
      ${POWEROFF}
    `),
    ),
    memMiB: 16,
    maxInstructions: 1000,
    gic: 'none',
  });
  assert.equal(r.exit, 'poweroff', r.message);
  assert.equal(r.stats.counters.halt_wakeup, 1);
});

test('an ID register read trapped by HCR_EL2.TID3 is answered by the hypervisor, silently', () => {
  const out: string[] = [];
  const r = runBareMetal({ kernel: image(assemble(`mrs x1, id_aa64pfr0_el1\n ${POWEROFF}`)), memMiB: 16, warn: (l) => out.push(l) });
  assert.equal(r.exit, 'poweroff');
  assert.equal(r.stats.byEc.find((e) => e.name === 'SYS64')?.count, 1);
  assert.deepEqual(out, []);
});

test('boots the hello guest to poweroff with QEMU\'s console output', (t) => {
  const elf = GUESTS + 'build/hello.elf';
  if (!existsSync(elf)) return t.skip('tests/guests/build/hello.elf not built');
  const r = runBareMetal({ kernel: new Uint8Array(readFileSync(elf)), maxInstructions: 50_000_000 });
  assert.equal(r.exit, 'poweroff', r.message);
  const golden = GUESTS + 'golden/hello.txt';
  if (existsSync(golden)) assert.equal(r.console, readFileSync(golden, 'utf8'));
});

test('the guest gets virt\'s device tree in x0: at RAM start, with the GICv3 node by default and none with gic: none', () => {
  for (const gic of [3, 'none'] as const) {
    const m = BareMachine.create({ kernel: image(assemble('wfi')), memMiB: 16, gic });
    assert.equal(m.dtbAddr, 0x40000000);
    assert.equal(m.vcpu.getOneReg(KVM_REG_ARM_CORE_REG('regs.regs[0]')), 0x40000000n);
    const dtb = m.ram.subarray(0, 0x2000);
    assert.equal(new DataView(dtb.buffer, dtb.byteOffset).getUint32(0), 0xd00dfeed); // FDT magic, big-endian
    const text = Buffer.from(dtb).toString('latin1');
    assert.equal(text.includes('arm,gic-v3'), gic === 3);
    assert.ok(text.includes('arm,armv8-timer') && text.includes('arm,pl011'));
    assert.equal(m.gic !== undefined, gic === 3);
  }
});
