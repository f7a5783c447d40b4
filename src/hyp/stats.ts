// Placeholder: the run-loop work (issue 4) replaces this with per-exit-reason and per-EC counters.
export class ExitStats {}
export class VmStats {}
