import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Pl011,
  PL011_REGS,
  UARTDR,
  UARTFR,
  UARTFR_TXFE,
  UARTFR_RXFE,
  UARTFR_TXFF,
  UARTFR_BUSY,
  UARTCR,
  UARTIFLS,
  UARTIBRD,
  UARTFBRD,
  UARTIMSC,
  UARTRIS,
  UARTMIS,
  UARTICR,
  UARTRSR,
  UARTLCR_H,
  UART_TXIS,
} from '../../src/vmm/devices/pl011.js';

function uart(): { u: Pl011; out: Uint8Array[]; text: () => string } {
  const out: Uint8Array[] = [];
  const u = new Pl011((b) => out.push(b));
  return { u, out, text: () => out.map((b) => Buffer.from(b).toString('latin1')).join('') };
}

test('the register table is sorted by offset, word aligned and unique', () => {
  for (let i = 0; i < PL011_REGS.length; i++) {
    assert.equal(PL011_REGS[i].offset % 4, 0, PL011_REGS[i].name);
    if (i > 0) assert.ok(PL011_REGS[i - 1].offset < PL011_REGS[i].offset, `${PL011_REGS[i - 1].name} before ${PL011_REGS[i].name}`);
  }
});

test('PeriphID0-3 and PCellID0-3 identify a PL011 r1p5 PrimeCell', () => {
  const { u } = uart();
  const ids = [];
  for (let off = 0xfe0; off <= 0xffc; off += 4) ids.push(u.read(off, 4));
  assert.deepEqual(ids, [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
  // Byte reads of the low lane see the same values; higher lanes are zero.
  assert.equal(u.read(0xfe0, 1), 0x11);
  assert.equal(u.read(0xffc, 1), 0xb1);
  assert.equal(u.read(0xfe1, 1), 0);
});

test('UARTFR: transmit FIFO empty, receive FIFO empty, never full or busy', () => {
  const { u } = uart();
  const fr = u.read(UARTFR, 4);
  assert.equal(fr & (UARTFR_TXFE | UARTFR_RXFE), UARTFR_TXFE | UARTFR_RXFE);
  assert.equal(fr & (UARTFR_TXFF | UARTFR_BUSY), 0);
  u.write(UARTDR, 4, 0x41);
  assert.equal(u.read(UARTFR, 4), fr);
});

test('UARTDR reads 0 with no input, and RSR shows no errors', () => {
  const { u } = uart();
  assert.equal(u.read(UARTDR, 4), 0);
  assert.equal(u.read(UARTRSR, 4), 0);
});

test('a DR write reaches the sink at the next flush, in one chunk', () => {
  const { u, out, text } = uart();
  for (const c of 'hello\n') u.write(UARTDR, 4, c.charCodeAt(0));
  assert.equal(out.length, 0, 'bytes are batched, not written one by one');
  u.flush();
  assert.equal(out.length, 1);
  assert.equal(text(), 'hello\n');
  u.flush();
  assert.equal(out.length, 1, 'an empty flush writes nothing');
});

test('byte and halfword DR writes transmit bits [7:0]', () => {
  const { u, text } = uart();
  u.write(UARTDR, 1, 0x4f);
  u.write(UARTDR, 2, 0x14b);
  u.write(UARTDR, 4, 0xffffff0a);
  u.flush();
  assert.equal(text(), 'OK\n');
});

test('a long burst is flushed in 4 KiB chunks', () => {
  const { u, out } = uart();
  for (let i = 0; i < 10000; i++) u.write(UARTDR, 4, 0x30 + (i % 10));
  assert.equal(out.length, 2);
  u.flush();
  assert.deepEqual(
    out.map((b) => b.length),
    [4096, 4096, 10000 - 8192],
  );
  assert.equal(out[2][0], 0x30 + (8192 % 10));
});

test('control registers reset as the TRM says and keep only their implemented bits', () => {
  const { u } = uart();
  assert.equal(u.read(UARTCR, 4), 0x300);
  assert.equal(u.read(UARTIFLS, 4), 0x12);
  assert.equal(u.read(UARTLCR_H, 4), 0);
  u.write(UARTIBRD, 4, 0x12345);
  u.write(UARTFBRD, 4, 0xff);
  u.write(UARTCR, 4, 0x301);
  u.write(UARTLCR_H, 4, 0x170);
  assert.equal(u.read(UARTIBRD, 4), 0x2345);
  assert.equal(u.read(UARTFBRD, 4), 0x3f);
  assert.equal(u.read(UARTCR, 4), 0x301);
  assert.equal(u.read(UARTLCR_H, 4), 0x70);
  u.reset();
  assert.equal(u.read(UARTCR, 4), 0x300);
  assert.equal(u.read(UARTIBRD, 4), 0);
});

test('transmitting raises TXRIS; MIS is RIS masked by IMSC; ICR clears', () => {
  const { u } = uart();
  assert.equal(u.read(UARTRIS, 4), 0);
  u.write(UARTDR, 4, 0x41);
  assert.equal(u.read(UARTRIS, 4), UART_TXIS);
  assert.equal(u.read(UARTMIS, 4), 0);
  u.write(UARTIMSC, 4, UART_TXIS | 0xf800);
  assert.equal(u.read(UARTIMSC, 4), UART_TXIS);
  assert.equal(u.read(UARTMIS, 4), UART_TXIS);
  u.write(UARTICR, 4, UART_TXIS);
  assert.equal(u.read(UARTRIS, 4), 0);
  assert.equal(u.read(UARTMIS, 4), 0);
  assert.equal(u.read(UARTICR, 4), 0, 'ICR is write-only');
  u.write(UARTRIS, 4, 0x7ff);
  assert.equal(u.read(UARTRIS, 4), 0, 'RIS is read-only');
});

test('unknown offsets read as zero and ignore writes; 64-bit accesses are refused', () => {
  const { u, out } = uart();
  for (const off of [0x008, 0x01c, 0x04c, 0x100, 0xfdc]) {
    u.write(off, 4, 0xffffffff);
    assert.equal(u.read(off, 4), 0, `offset 0x${off.toString(16)}`);
  }
  assert.equal(u.read(0xfe0, 8), 0);
  u.write(UARTDR, 8, 0x41);
  u.flush();
  assert.equal(out.length, 0);
});
