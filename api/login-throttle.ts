// Login throttling: after too many wrong passwords for one account, or from one address, every
// login attempt for it (the right password included) is refused with 429 until the window ends.
// Counters live in this process's memory: with several API processes behind a balancer each
// process counts on its own, so the effective limit is the limit times the number of processes
// (still far below what guessing a password needs). Only failures count; a success clears the
// account's counter.

export interface ThrottleLimits {
  /** Wrong passwords allowed per account in one window. */
  perAccount: number;
  /** Failed logins allowed from one address in one window (any account, known or not). */
  perAddress: number;
  windowSeconds: number;
}

export const defaultThrottleLimits: ThrottleLimits = { perAccount: 5, perAddress: 30, windowSeconds: 15 * 60 };

interface Window { failures: number; endsAt: number }

export class LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(readonly limits: ThrottleLimits = defaultThrottleLimits, private readonly now = () => Date.now()) {}

  /** Seconds until this login may be tried again, or 0 when it may be tried now. */
  retryAfter(account: string, address: string): number {
    const now = this.now();
    const waits = [this.wait(`a:${account}`, this.limits.perAccount, now), this.wait(`i:${address}`, this.limits.perAddress, now)];
    return Math.max(...waits);
  }

  failed(account: string, address: string): void {
    const now = this.now();
    this.sweep(now);
    for (const key of [`a:${account}`, `i:${address}`]) {
      const w = this.windows.get(key);
      if (w && w.endsAt > now) w.failures += 1;
      else this.windows.set(key, { failures: 1, endsAt: now + this.limits.windowSeconds * 1000 });
    }
  }

  succeeded(account: string): void {
    this.windows.delete(`a:${account}`);
  }

  private wait(key: string, limit: number, now: number): number {
    const w = this.windows.get(key);
    if (!w || w.endsAt <= now || w.failures < limit) return 0;
    return Math.ceil((w.endsAt - now) / 1000);
  }

  /** Keeps memory bounded under a flood of made-up accounts: ended windows are dropped. */
  private sweep(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, w] of this.windows) if (w.endsAt <= now) this.windows.delete(key);
  }
}
