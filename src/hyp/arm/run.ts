// Placeholder: the run-loop work (issue 4) implements KVM_RUN here.
import type { Vcpu } from '../vcpu.js';
import type { KvmRun, RunOptions } from '../kvm-run.js';
import { KvmError } from '../errors.js';

export function vcpuRun(_v: Vcpu, _opts: RunOptions): KvmRun {
  throw new KvmError('ENOEXEC', 'run: not implemented yet');
}
