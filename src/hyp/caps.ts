// Placeholder: the VM work (issue 4) lists the capabilities here.
export function checkExtension(_cap: number): number {
  return 0;
}
