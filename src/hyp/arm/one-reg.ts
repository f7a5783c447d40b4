// Placeholder: the vCPU-register work (issue 4) implements ONE_REG / REG_LIST here.
import type { Vcpu } from '../vcpu.js';
import { KvmError } from '../errors.js';

export function getOneReg(_v: Vcpu, _id: bigint): bigint | Uint8Array {
  throw new KvmError('ENOENT', 'getOneReg: not implemented yet');
}
export function setOneReg(_v: Vcpu, _id: bigint, _value: bigint | Uint8Array): void {
  throw new KvmError('ENOENT', 'setOneReg: not implemented yet');
}
export function getRegList(_v: Vcpu): bigint[] {
  return [];
}
