/**
 * The one rate-limited logger for messages a guest can trigger (DESIGN.md: "a guest must not be
 * able to spam the host's log"). After Linux's printk_ratelimit()/___ratelimit()
 * (lib/ratelimit.c): at most `burst` messages per `intervalMs`; the rest are counted, and the
 * first message of the next interval is preceded by "typevisor: N messages suppressed"
 * (Linux: "%s: %d callbacks suppressed"). flush() prints a pending summary at once (a VMM calls
 * it when the guest stops, so the count is never lost).
 *
 * The sink and the clock are injectable for tests; the default sink is stderr.
 */

export type LogSink = (line: string) => void;

export interface RateLimitOptions {
  /** Messages allowed per interval (Linux DEFAULT_RATELIMIT_BURST = 10). */
  burst?: number;
  /** Interval length in ms (Linux DEFAULT_RATELIMIT_INTERVAL = 5 s). */
  intervalMs?: number;
  sink?: LogSink;
  /** Milliseconds, monotonic (default performance.now). */
  now?: () => number;
}

export const DEFAULT_RATELIMIT_BURST = 10;
export const DEFAULT_RATELIMIT_INTERVAL_MS = 5000;

const stderrSink: LogSink = (line) => void process.stderr.write(line + '\n');

export class RateLimitedLog {
  burst: number;
  intervalMs: number;
  sink: LogSink;
  private readonly now: () => number;
  private begin = -Infinity;
  private printed = 0;
  private missed = 0;
  /** Every message offered, printed or not (for tests and statistics). */
  total = 0;
  /** Messages suppressed over the logger's life. */
  suppressedTotal = 0;

  constructor(opts: RateLimitOptions = {}) {
    this.burst = opts.burst ?? DEFAULT_RATELIMIT_BURST;
    this.intervalMs = opts.intervalMs ?? DEFAULT_RATELIMIT_INTERVAL_MS;
    this.sink = opts.sink ?? stderrSink;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Log `line` unless the burst for this interval is spent. Returns whether it was printed. */
  log(line: string): boolean {
    this.total++;
    const t = this.now();
    if (t - this.begin >= this.intervalMs) {
      this.flush();
      this.begin = t;
      this.printed = 0;
    }
    if (this.printed < this.burst) {
      this.printed++;
      this.sink(line);
      return true;
    }
    this.missed++;
    this.suppressedTotal++;
    return false;
  }

  /** Print the "N messages suppressed" summary now, if any were. */
  flush(): void {
    if (this.missed > 0) {
      const n = this.missed;
      this.missed = 0;
      this.sink(`typevisor: ${n} message${n === 1 ? '' : 's'} suppressed`);
    }
  }
}

/**
 * The hypervisor's logger (src/hyp): exit handlers write "unhandled" lines here. A VMM or a test
 * redirects it with setHypLogSink(); the burst and interval can be tuned on the object.
 */
export const hypLog = new RateLimitedLog();

/** Redirect the hypervisor's guest-triggered messages; returns the previous sink. */
export function setHypLogSink(sink: LogSink): LogSink {
  const old = hypLog.sink;
  hypLog.sink = sink;
  return old;
}
