/**
 * API misuse is reported as KVM reports it: an errno name (Linux's spelling) and a message
 * naming the argument. One class, so a VMM catches `KvmError` and switches on `errno`.
 */
export type Errno = 'EINVAL' | 'EBUSY' | 'ENOENT' | 'ENOEXEC' | 'EPERM' | 'E2BIG' | 'ENXIO' | 'EEXIST' | 'ENODEV' | 'ENOMEM' | 'EFAULT';

export class KvmError extends Error {
  readonly errno: Errno;
  /** The argument (or attribute) the error is about, when there is one. */
  readonly argument: string | undefined;

  constructor(errno: Errno, message: string, argument?: string) {
    super(`${errno}: ${message}`);
    this.name = 'KvmError';
    this.errno = errno;
    this.argument = argument;
  }
}
