/**
 * The DTB writer and the virt machine's device tree: blobs are parsed back by a small reader here
 * (Devicetree Specification v0.4 chapter 5), checked by dtc when it is installed, and compared
 * with the tree qemu-system-aarch64 -M virt dumps when QEMU is installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FdtBuilder,
  FdtError,
  FDT_MAGIC,
  FDT_BEGIN_NODE,
  FDT_END_NODE,
  FDT_PROP,
  FDT_NOP,
  FDT_END,
  regCells,
  virtDeviceTree,
  type VirtDeviceTreeOptions,
} from '../../src/vmm/fdt.js';

interface FdtNode {
  name: string;
  props: Map<string, Uint8Array>;
  children: FdtNode[];
}

interface ParsedFdt {
  header: {
    magic: number;
    totalsize: number;
    offDtStruct: number;
    offDtStrings: number;
    offMemRsvmap: number;
    version: number;
    lastCompVersion: number;
    bootCpuidPhys: number;
    sizeDtStrings: number;
    sizeDtStruct: number;
  };
  reservations: Array<[bigint, bigint]>;
  root: FdtNode;
  /** Property names in the strings block, in order. */
  strings: string[];
}

/** A strict DTB reader: every structural rule of spec chapter 5 is asserted on the way. */
function parseFdt(b: Uint8Array): ParsedFdt {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u32 = (o: number) => dv.getUint32(o);
  const h = {
    magic: u32(0),
    totalsize: u32(4),
    offDtStruct: u32(8),
    offDtStrings: u32(12),
    offMemRsvmap: u32(16),
    version: u32(20),
    lastCompVersion: u32(24),
    bootCpuidPhys: u32(28),
    sizeDtStrings: u32(32),
    sizeDtStruct: u32(36),
  };
  assert.equal(h.magic, FDT_MAGIC);
  assert.equal(h.totalsize, b.length);
  assert.equal(h.offMemRsvmap % 8, 0, 'memory reservation block 8-byte aligned');
  assert.equal(h.offDtStruct % 4, 0, 'structure block 4-byte aligned');
  assert.ok(h.offMemRsvmap >= 40 && h.offDtStruct > h.offMemRsvmap);
  assert.ok(h.offDtStrings >= h.offDtStruct + h.sizeDtStruct, 'blocks do not overlap');
  assert.ok(h.offDtStrings + h.sizeDtStrings <= h.totalsize);
  const reservations: Array<[bigint, bigint]> = [];
  for (let o = h.offMemRsvmap; ; o += 16) {
    const a = dv.getBigUint64(o);
    const s = dv.getBigUint64(o + 8);
    if (a === 0n && s === 0n) break;
    reservations.push([a, s]);
  }
  const dec = new TextDecoder();
  const cstr = (o: number, end: number): [string, number] => {
    let e = o;
    while (b[e] !== 0) {
      e++;
      assert.ok(e < end, 'unterminated string');
    }
    return [dec.decode(b.subarray(o, e)), e + 1];
  };
  const strBase = h.offDtStrings;
  const strings: string[] = [];
  for (let o = strBase; o < strBase + h.sizeDtStrings; ) {
    const [s, next] = cstr(o, strBase + h.sizeDtStrings);
    strings.push(s);
    o = next;
  }
  const end = h.offDtStruct + h.sizeDtStruct;
  let o = h.offDtStruct;
  const align4 = (x: number) => (x + 3) & ~3;
  const stack: FdtNode[] = [];
  let root: FdtNode | undefined;
  for (;;) {
    assert.ok(o < end, 'structure block ends without FDT_END');
    const tok = u32(o);
    o += 4;
    if (tok === FDT_BEGIN_NODE) {
      const [name, next] = cstr(o, end);
      o = align4(next);
      const node: FdtNode = { name, props: new Map(), children: [] };
      if (stack.length === 0) {
        assert.equal(root, undefined, 'one root');
        root = node;
      } else {
        stack[stack.length - 1].children.push(node);
      }
      stack.push(node);
    } else if (tok === FDT_PROP) {
      const len = u32(o);
      const nameoff = u32(o + 4);
      o += 8;
      const node = stack[stack.length - 1];
      assert.ok(node !== undefined, 'property outside a node');
      assert.equal(node.children.length, 0, 'properties precede subnodes');
      const [pname] = cstr(strBase + nameoff, strBase + h.sizeDtStrings);
      assert.ok(!node.props.has(pname), `duplicate property ${pname}`);
      node.props.set(pname, b.slice(o, o + len));
      o = align4(o + len);
    } else if (tok === FDT_END_NODE) {
      assert.ok(stack.pop() !== undefined, 'unbalanced FDT_END_NODE');
    } else if (tok === FDT_NOP) {
      // skipped
    } else if (tok === FDT_END) {
      assert.equal(stack.length, 0, 'FDT_END with open nodes');
      assert.equal(o, end, 'size_dt_struct ends at FDT_END');
      break;
    } else {
      assert.fail(`bad token 0x${tok.toString(16)} at ${o - 4}`);
    }
  }
  assert.ok(root !== undefined);
  return { header: h, reservations, root, strings };
}

function node(t: FdtNode, path: string): FdtNode {
  let n = t;
  for (const part of path.split('/').filter((x) => x !== '')) {
    const c = n.children.find((x) => x.name === part);
    assert.ok(c !== undefined, `no node ${path} (at ${part})`);
    n = c;
  }
  return n;
}

function prop(t: FdtNode, path: string, name: string): Uint8Array {
  const v = node(t, path).props.get(name);
  assert.ok(v !== undefined, `no property ${name} in ${path}`);
  return v;
}

function cells(v: Uint8Array): number[] {
  assert.equal(v.length % 4, 0);
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  return Array.from({ length: v.length / 4 }, (_, i) => dv.getUint32(4 * i));
}

function strs(v: Uint8Array): string[] {
  assert.equal(v[v.length - 1], 0, 'NUL-terminated');
  return new TextDecoder().decode(v.subarray(0, v.length - 1)).split('\0');
}

function cellsOf(t: FdtNode, path: string, name: string): number[] {
  return cells(prop(t, path, name));
}

function strsOf(t: FdtNode, path: string, name: string): string[] {
  return strs(prop(t, path, name));
}

/** The node whose phandle is `ph`, by path. */
function byPhandle(t: FdtNode, ph: number, path = ''): string | undefined {
  const p = t.props.get('phandle');
  if (p !== undefined && cells(p)[0] === ph) return path || '/';
  for (const c of t.children) {
    const r = byPhandle(c, ph, `${path}/${c.name}`);
    if (r !== undefined) return r;
  }
  return undefined;
}

const VIRT3: VirtDeviceTreeOptions = {
  memBase: 0x40000000n,
  memSize: 128n << 20n,
  cpus: 1,
  cpuCompatible: 'arm,cortex-a57',
  gic: 3,
  gicDist: 0x08000000n,
  gicRedist: 0x080a0000n,
  uart: 0x09000000n,
};

function have(cmd: string, args: string[]): boolean {
  try {
    return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
}

test('writes the header, reservation block and aligned blocks of spec v0.4 chapter 5', () => {
  const f = new FdtBuilder();
  f.addReservation(0x48000000n, 0x1000n).addReservation(0x1_0000_0000n, 0x20_0000n);
  f.bootCpuidPhys = 0x100;
  f.beginNode('');
  f.prop('compatible', ['a,b', 'c']);
  f.prop('x', 1);
  f.beginNode('n@1');
  f.prop('x', 0xffffffff);
  f.prop('odd', new Uint8Array([1, 2, 3, 4, 5]));
  f.prop('e');
  f.endNode();
  f.endNode();
  const b = f.finish();
  const p = parseFdt(b);
  assert.equal(p.header.version, 17);
  assert.equal(p.header.lastCompVersion, 16);
  assert.equal(p.header.bootCpuidPhys, 0x100);
  assert.equal(b.length % 8, 0);
  assert.deepEqual(p.reservations, [
    [0x48000000n, 0x1000n],
    [0x1_0000_0000n, 0x20_0000n],
  ]);
  assert.equal(p.root.name, '');
  assert.deepEqual(strsOf(p.root, '/', 'compatible'), ['a,b', 'c']);
  assert.deepEqual(cellsOf(p.root, '/n@1', 'x'), [0xffffffff]);
  assert.deepEqual([...prop(p.root, '/n@1', 'odd')], [1, 2, 3, 4, 5]);
  assert.equal(prop(p.root, '/n@1', 'e').length, 0);
  // "x" appears on two nodes but once in the strings block
  assert.deepEqual(p.strings, ['compatible', 'x', 'odd', 'e']);
});

test('encodes u32, u64, cell arrays, strings, string lists and empty values', () => {
  const f = new FdtBuilder();
  f.beginNode('');
  f.propU32('u32', 0x12345678);
  f.propU64('u64', 0x1_2345_6789_abcdn);
  f.propCells('cells', [1, 2, 3]);
  f.propString('s', 'hello');
  f.propStrings('sl', ['a', 'bc', '']);
  f.propEmpty('empty');
  f.prop('reg', regCells([0x40000000n, 0x8000000n], [2, 2]));
  f.prop('reg1', regCells([0x1234n, 0x10n], [1, 1]));
  f.endNode();
  const t = parseFdt(f.finish()).root;
  assert.deepEqual(cellsOf(t, '/', 'u32'), [0x12345678]);
  assert.deepEqual(cellsOf(t, '/', 'u64'), [0x1_2345, 0x6789abcd]);
  assert.deepEqual(cellsOf(t, '/', 'cells'), [1, 2, 3]);
  assert.deepEqual([...prop(t, '/', 's')], [...new TextEncoder().encode('hello'), 0]);
  assert.deepEqual(strsOf(t, '/', 'sl'), ['a', 'bc', '']);
  assert.equal(prop(t, '/', 'empty').length, 0);
  assert.deepEqual(cellsOf(t, '/', 'reg'), [0, 0x40000000, 0, 0x8000000]);
  assert.deepEqual(cellsOf(t, '/', 'reg1'), [0x1234, 0x10]);
});

test('hands out distinct phandles from 1', () => {
  const f = new FdtBuilder();
  assert.equal(f.allocPhandle(), 1);
  assert.equal(f.allocPhandle(), 2);
});

test('refuses a malformed tree with FdtError', () => {
  const bad = (fn: (f: FdtBuilder) => void, re: RegExp) => {
    const f = new FdtBuilder();
    assert.throws(() => fn(f), (e: unknown) => e instanceof FdtError && re.test(e.message));
  };
  bad((f) => f.beginNode('root'), /root node's name is empty/);
  bad((f) => f.prop('x', 1), /outside a node/);
  bad((f) => f.beginNode('').beginNode('a').endNode().prop('x', 1), /after a subnode/);
  bad((f) => f.beginNode('').finish(), /left open/);
  bad((f) => f.finish(), /no root node/);
  bad((f) => f.beginNode('').endNode().endNode(), /without an open node/);
  bad((f) => f.beginNode('').endNode().beginNode(''), /one root node/);
  bad((f) => f.beginNode('').beginNode('bad name'), /invalid node name/);
  bad((f) => f.beginNode('').prop('x'.repeat(32), 1), /invalid property name/);
  bad((f) => f.beginNode('').prop('x', 0x1_0000_0000), /not a u32/);
  bad((f) => f.beginNode('').prop('x', -1), /not a u32/);
  bad((f) => f.beginNode('').prop('x', -1n), /not a u64/);
  bad((f) => f.beginNode('').prop('x', 'a\0b'), /contains NUL/);
  bad((f) => f.addReservation(0x1000n, 0n), /size 0/);
  bad((f) => {
    f.beginNode('').endNode().finish();
    f.finish();
  }, /already called/);
  assert.throws(() => regCells([0x1_0000_0000n], [1]), FdtError);
});

test('virt tree with a GICv3 has the shape of QEMU virt', () => {
  const p = parseFdt(virtDeviceTree({ ...VIRT3, bootargs: 'console=ttyAMA0', initrd: [0x48000000n, 0x48100000n] }));
  const t = p.root;
  assert.deepEqual(cellsOf(t, '/', '#address-cells'), [2]);
  assert.deepEqual(cellsOf(t, '/', '#size-cells'), [2]);
  assert.deepEqual(strsOf(t, '/', 'compatible'), ['linux,dummy-virt']);
  assert.deepEqual(strsOf(t, '/', 'model'), ['linux,dummy-virt']);
  assert.equal(byPhandle(t, cellsOf(t, '/', 'interrupt-parent')[0]), '/intc@8000000');

  assert.deepEqual(strsOf(t, '/memory@40000000', 'device_type'), ['memory']);
  assert.deepEqual(cellsOf(t, '/memory@40000000', 'reg'), [0, 0x40000000, 0, 0x8000000]);

  assert.deepEqual(cellsOf(t, '/cpus', '#address-cells'), [1]);
  assert.deepEqual(cellsOf(t, '/cpus', '#size-cells'), [0]);
  assert.deepEqual(strsOf(t, '/cpus/cpu@0', 'device_type'), ['cpu']);
  assert.deepEqual(strsOf(t, '/cpus/cpu@0', 'compatible'), ['arm,cortex-a57']);
  assert.deepEqual(cellsOf(t, '/cpus/cpu@0', 'reg'), [0]);
  assert.equal(node(t, '/cpus/cpu@0').props.has('enable-method'), false, 'QEMU: only with more than one CPU');

  assert.deepEqual(strsOf(t, '/psci', 'compatible'), ['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci']);
  assert.deepEqual(strsOf(t, '/psci', 'method'), ['hvc']);
  assert.deepEqual(cellsOf(t, '/psci', 'cpu_on'), [0xc4000003]);

  assert.deepEqual(strsOf(t, '/timer', 'compatible'), ['arm,armv8-timer', 'arm,armv7-timer']);
  assert.deepEqual(cellsOf(t, '/timer', 'interrupts'), [1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4]);
  assert.equal(prop(t, '/timer', 'always-on').length, 0);

  const gic = '/intc@8000000';
  assert.deepEqual(strsOf(t, gic, 'compatible'), ['arm,gic-v3']);
  assert.deepEqual(cellsOf(t, gic, '#interrupt-cells'), [3]);
  assert.equal(prop(t, gic, 'interrupt-controller').length, 0);
  assert.deepEqual(cellsOf(t, gic, '#redistributor-regions'), [1]);
  assert.deepEqual(cellsOf(t, gic, 'reg'), [0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0x20000]);

  const uart = '/pl011@9000000';
  assert.deepEqual(strsOf(t, uart, 'compatible'), ['arm,pl011', 'arm,primecell']);
  assert.deepEqual(cellsOf(t, uart, 'reg'), [0, 0x09000000, 0, 0x1000]);
  assert.deepEqual(cellsOf(t, uart, 'interrupts'), [0, 1, 4]);
  assert.deepEqual(strsOf(t, uart, 'clock-names'), ['uartclk', 'apb_pclk']);
  const clk = cellsOf(t, uart, 'clocks');
  assert.deepEqual(clk.map((c) => byPhandle(t, c)), ['/apb-pclk', '/apb-pclk']);
  assert.deepEqual(strsOf(t, '/apb-pclk', 'compatible'), ['fixed-clock']);
  assert.deepEqual(cellsOf(t, '/apb-pclk', '#clock-cells'), [0]);
  assert.deepEqual(cellsOf(t, '/apb-pclk', 'clock-frequency'), [24000000]);

  assert.deepEqual(strsOf(t, '/chosen', 'stdout-path'), ['/pl011@9000000']);
  assert.deepEqual(strsOf(t, '/chosen', 'bootargs'), ['console=ttyAMA0']);
  assert.deepEqual(cellsOf(t, '/chosen', 'linux,initrd-start'), [0x48000000]);
  assert.deepEqual(cellsOf(t, '/chosen', 'linux,initrd-end'), [0x48100000]);
  const high = parseFdt(virtDeviceTree({ ...VIRT3, initrd: [0xfff00000n, 0x1_0010_0000n] })).root;
  assert.deepEqual(cellsOf(high, '/chosen', 'linux,initrd-start'), [0, 0xfff00000]);
  assert.deepEqual(cellsOf(high, '/chosen', 'linux,initrd-end'), [1, 0x00100000]);
});

test('virt tree with a GICv2 and two CPUs: CPU interface, PPI CPU mask, PSCI enable-method', () => {
  const t = parseFdt(virtDeviceTree({ ...VIRT3, cpus: 2, gic: 2, gicRedist: undefined, gicCpu: 0x08010000n })).root;
  assert.deepEqual(strsOf(t, '/intc@8000000', 'compatible'), ['arm,cortex-a15-gic']);
  assert.deepEqual(cellsOf(t, '/intc@8000000', 'reg'), [0, 0x08000000, 0, 0x10000, 0, 0x08010000, 0, 0x10000]);
  assert.equal(node(t, '/intc@8000000').props.has('#redistributor-regions'), false);
  assert.deepEqual(cellsOf(t, '/timer', 'interrupts'), [1, 13, 0x304, 1, 14, 0x304, 1, 11, 0x304, 1, 10, 0x304]);
  assert.deepEqual(cellsOf(t, '/cpus/cpu@1', 'reg'), [1]);
  assert.deepEqual(strsOf(t, '/cpus/cpu@0', 'enable-method'), ['psci']);
  assert.deepEqual(strsOf(t, '/cpus/cpu@1', 'enable-method'), ['psci']);
  assert.equal(node(t, '/chosen').props.has('bootargs'), false);
});

test('virt tree without a GIC has no interrupt-parent and no interrupts', () => {
  const t = parseFdt(virtDeviceTree({ ...VIRT3, gic: 'none' })).root;
  assert.equal(t.props.has('interrupt-parent'), false);
  assert.equal(t.children.some((c) => c.name.startsWith('intc')), false);
  assert.equal(node(t, '/timer').props.has('interrupts'), false);
  assert.equal(node(t, '/pl011@9000000').props.has('interrupts'), false);
});

test('virt tree: CPU reg follows the MPIDR affinity, 16 CPUs per cluster', () => {
  const t = parseFdt(virtDeviceTree({ ...VIRT3, cpus: 18, gicRedistSize: 0xf60000n })).root;
  assert.deepEqual(cellsOf(t, '/cpus/cpu@f', 'reg'), [0xf]);
  assert.deepEqual(cellsOf(t, '/cpus/cpu@100', 'reg'), [0x100]);
  assert.deepEqual(cellsOf(t, '/cpus/cpu@101', 'reg'), [0x101]);
  assert.deepEqual(cellsOf(t, '/intc@8000000', 'reg').slice(4), [0, 0x080a0000, 0, 0xf60000]);
});

test('virtDeviceTree refuses impossible machines', () => {
  assert.throws(() => virtDeviceTree({ ...VIRT3, cpus: 0 }), FdtError);
  assert.throws(() => virtDeviceTree({ ...VIRT3, gic: 2, cpus: 9, gicCpu: 0x08010000n }), FdtError);
  assert.throws(() => virtDeviceTree({ ...VIRT3, gic: 2 }), /gicCpu/);
  assert.throws(() => virtDeviceTree({ ...VIRT3, gicRedist: undefined }), /gicRedist/);
  assert.throws(() => virtDeviceTree({ ...VIRT3, initrd: [2n, 1n] }), /initrd/);
});

test('dtc reads the virt blobs without warnings', { skip: !have('dtc', ['--version']) && 'dtc not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fdt-'));
  try {
    for (const [name, opts] of [
      ['v3', { ...VIRT3, bootargs: 'console=ttyAMA0 earlycon', initrd: [0x44000000n, 0x44800000n] }],
      ['v2', { ...VIRT3, cpus: 4, gic: 2, gicCpu: 0x08010000n }],
      ['none', { ...VIRT3, gic: 'none' }],
    ] as Array<[string, VirtDeviceTreeOptions]>) {
      const file = join(dir, `${name}.dtb`);
      writeFileSync(file, virtDeviceTree(opts));
      const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '', `dtc warnings for ${name}`);
      assert.match(r.stdout, /compatible = "linux,dummy-virt";/);
      // and back: dtc's own blob of our tree parses to the same structure
      const again = execFileSync('dtc', ['-I', 'dts', '-O', 'dtb', '-q'], { input: r.stdout });
      const a = parseFdt(new Uint8Array(again)).root;
      const b = parseFdt(new Uint8Array(readFileSync(file))).root;
      assert.deepEqual(a, b);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const haveQemu = have('qemu-system-aarch64', ['--version']);

/**
 * A stand-in arm64 Linux Image (Documentation/arch/arm64/booting.rst header, "ARM\x64" at 56):
 * QEMU writes /chosen bootargs and linux,initrd-* only when it boots a Linux kernel.
 */
function fakeLinuxImage(): Uint8Array {
  const b = new Uint8Array(4096);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x14000000, true); // b .
  dv.setBigUint64(16, 4096n, true); // image_size
  dv.setBigUint64(24, 0xan, true); // flags: LE, 4K pages, anywhere
  dv.setUint32(56, 0x644d5241, true); // "ARM\x64"
  return b;
}

function initrdAt(q: FdtNode, which: 'start' | 'end'): bigint {
  const c = cellsOf(q, '/chosen', `linux,initrd-${which}`);
  return c.reduce((v, x) => (v << 32n) | BigInt(x), 0n);
}

test('virt tree matches the properties QEMU virt writes for the same devices', { skip: !haveQemu && 'qemu-system-aarch64 not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fdt-'));
  try {
    const image = join(dir, 'Image');
    const initrd = join(dir, 'initrd');
    writeFileSync(image, fakeLinuxImage());
    writeFileSync(initrd, new Uint8Array(8192));
    for (const gic of [3, 2] as const) {
      const file = join(dir, `q${gic}.dtb`);
      const r = spawnSync(
        'qemu-system-aarch64',
        ['-M', `virt,gic-version=${gic},dumpdtb=${file}`, '-cpu', 'cortex-a57', '-m', '128', '-smp', '2', '-nographic', '-monitor', 'none',
         '-kernel', image, '-initrd', initrd, '-append', 'console=ttyAMA0 earlycon'],
        { encoding: 'utf8' },
      );
      assert.ok(existsSync(file), `QEMU did not dump its tree: ${r.stderr}`);
      const q = parseFdt(new Uint8Array(readFileSync(file))).root;
      const ours = parseFdt(
        virtDeviceTree({
          ...VIRT3,
          cpus: 2,
          gic,
          gicCpu: 0x08010000n,
          gicRedistSize: 0xf60000n, // QEMU sizes the region for 123 vCPUs
          bootargs: 'console=ttyAMA0 earlycon',
          initrd: [initrdAt(q, 'start'), initrdAt(q, 'end')],
        }),
      ).root;
      const same = (path: string, name: string) => assert.deepEqual(prop(ours, path, name), prop(q, path, name), `${path} ${name}`);
      for (const name of ['#address-cells', '#size-cells', 'compatible', 'model']) same('/', name);
      for (const name of ['compatible', 'method', 'cpu_on', 'cpu_off', 'cpu_suspend', 'migrate']) same('/psci', name);
      for (const name of ['device_type', 'reg']) same('/memory@40000000', name);
      for (const name of ['#address-cells', '#size-cells']) same('/cpus', name);
      for (const cpu of ['cpu@0', 'cpu@1']) for (const name of ['device_type', 'compatible', 'reg', 'enable-method']) same(`/cpus/${cpu}`, name);
      for (const name of ['compatible', 'interrupts', 'always-on']) same('/timer', name);
      for (const name of ['compatible', 'reg', '#interrupt-cells', 'interrupt-controller', '#address-cells', '#size-cells', 'ranges']) same('/intc@8000000', name);
      if (gic === 3) same('/intc@8000000', '#redistributor-regions');
      for (const name of ['compatible', '#clock-cells', 'clock-frequency', 'clock-output-names']) same('/apb-pclk', name);
      for (const name of ['compatible', 'reg', 'interrupts', 'clock-names']) same('/pl011@9000000', name);
      for (const name of ['stdout-path', 'bootargs', 'linux,initrd-start', 'linux,initrd-end']) same('/chosen', name);
      // phandles differ in value; they must point at the same nodes
      for (const t of [ours, q]) {
        assert.equal(byPhandle(t, cellsOf(t, '/', 'interrupt-parent')[0]), '/intc@8000000');
        assert.deepEqual(cellsOf(t, '/pl011@9000000', 'clocks').map((c) => byPhandle(t, c)), ['/apb-pclk', '/apb-pclk']);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
