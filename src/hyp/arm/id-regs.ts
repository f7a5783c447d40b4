// Placeholder: the VM work (issue 4) implements per-VM ID registers here.
export class VmIdRegs {
  static writableMasks(): bigint[] {
    return new Array<bigint>(192).fill(0n);
  }
}
