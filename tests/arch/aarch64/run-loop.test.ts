/**
 * The run loop's inner page loop (run.ts): it keeps executing while PC stays on the fetch page,
 * so these check what must still make it look again: code written on the executing page, the
 * exact budget, an interrupt unmasked mid-page, and sequential execution off the page's end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, runWords, loadWords, getX, getPC } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR, srIndex } from '../../../src/arch/aarch64/state.js';
import { run } from '../../../src/arch/aarch64/run.js';
import { updateIntCheck } from '../../../src/arch/aarch64/exceptions.js';

test('a store into the executing page is seen by the next fetch of the rewritten word', () => {
  const m = makeMachine();
  const newInsn = assemble('mov x0, #42')[0];
  const words = assemble(
    [
      'ldr w1, 1f', // the replacement instruction
      'adr x2, 2f',
      'str w1, [x2]',
      '2: mov x0, #1', // rewritten before it runs
      'b .',
      '1: .word 0',
    ].join('\n'),
  );
  words[5] = newInsn;
  // Run the target once first so the page is decoded with the old instruction.
  loadWords(m, m.ramBase, words);
  m.cpu.s[S.PC] = (m.ramBase + 12) | 0;
  assert.equal(run(m.cpu, 1), Stop.BUDGET);
  assert.equal(getX(m.cpu, 0), 1n);
  m.cpu.s[S.PC] = m.ramBase | 0;
  assert.equal(run(m.cpu, 4), Stop.BUDGET);
  assert.equal(getX(m.cpu, 0), 42n);
});

test('the budget is exact inside a page-local loop', () => {
  const m = makeMachine();
  const words = assemble('1: add x0, x0, #1\nb 1b');
  const i0 = m.cpu.icount;
  assert.equal(runWords(m, words, 1001), Stop.BUDGET);
  assert.equal(m.cpu.icount - i0, 1001);
  assert.equal(getX(m.cpu, 0), 501n);
  assert.equal(getPC(m.cpu), BigInt(m.ramBase + 4)); // the 1001st instruction was an ADD
});

test('an IRQ unmasked by MSR DAIFClr in straight-line code is taken before the next instruction', () => {
  const m = makeMachine();
  m.cpu.setSr(SR.VBAR_EL1, m.ramBase + 0x800, 0);
  m.cpu.s[S.VIRQ] = 1;
  updateIntCheck(m.cpu);
  const vector = m.ramBase + 0x800 + 0x280; // IRQ, current EL with SP_ELx
  loadWords(m, vector, assemble('nop'));
  const words = assemble('add x0, x0, #1\nmsr daifclr, #2\nadd x0, x0, #1\nadd x0, x0, #1');
  // Three instructions: ADD, MSR, then the IRQ is taken and the vector's NOP is the third.
  assert.equal(runWords(m, words, 3), Stop.BUDGET);
  assert.equal(getX(m.cpu, 0), 1n);
  assert.equal(m.cpu.s[srIndex(SR.ELR_EL1)] >>> 0, m.ramBase + 8);
  assert.equal(getPC(m.cpu), BigInt(vector + 4));
});

test('sequential execution runs off the end of one page into the next', () => {
  const m = makeMachine();
  const add = assemble('add x0, x0, #1')[0];
  const start = m.ramBase + 0x1000 - 8;
  loadWords(m, start, [add, add, add, add]);
  m.cpu.s[S.PC] = start | 0;
  assert.equal(run(m.cpu, 4), Stop.BUDGET);
  assert.equal(getX(m.cpu, 0), 4n);
  assert.equal(getPC(m.cpu), BigInt(start + 16));
});

test('a misaligned PC on page 0 takes a PC alignment fault even when the fetch cache is empty', () => {
  // The fetch cache's empty tag must not look like PC & ~0xffc for any PC: with 1 as the tag,
  // PC = 5 (page 0, bits 1:0 = 01) matched it and ran whatever the stale cache pointed at.
  for (const blockThreshold of [-1, 0]) {
    const m = makeMachine();
    m.cpu.blockThreshold = blockThreshold;
    loadWords(m, m.ramBase + 0x800, assemble('b .'));
    m.cpu.setSr(SR.VBAR_EL1, m.ramBase + 0x800, 0);
    m.cpu.flushTlb();
    m.cpu.s[S.PC] = 5;
    m.cpu.s[S.PC_HI] = 0;
    assert.equal(run(m.cpu, 1), Stop.BUDGET);
    assert.equal(m.cpu.s[srIndex(SR.ESR_EL1)] >>> 26, 0x22, `ESR_EL1.EC (blockThreshold ${blockThreshold})`);
    assert.equal(m.cpu.s[srIndex(SR.ELR_EL1)], 5);
    assert.equal(m.cpu.s[srIndex(SR.FAR_EL1)], 5);
    assert.equal(getPC(m.cpu), BigInt(m.ramBase + 0xa00), 'current EL with SP_ELx, synchronous vector');
  }
});
