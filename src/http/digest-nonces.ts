// Which nonce counts (Digest `nc`) each nonce has been used with, so a captured Authorization header
// cannot be sent again. Nonces themselves are stateless (digest.ts); only used ones are tracked here.
//
// Per nonce: the highest count seen and a 32-bit window of the counts just below it, as in IPsec's
// anti-replay window, so a client's concurrent requests may arrive a little out of order. A count
// below the window, or one already seen, is a replay.
// Memory is bounded: at most `maxNonces`, the least recently used dropped first. Once a nonce's record
// is dropped, it cannot be checked any more: every nonce issued no later than the newest dropped one
// is answered "forgotten" (the caller asks for a new nonce with stale=true) unless still tracked.

const WINDOW = 32;

export type NonceUse = 'fresh' | 'replay' | 'forgotten';

interface Seen {
  issuedAt: number;
  highest: number;
  /** Bit i set: count `highest - i` was used. */
  window: number;
}

export class NonceCounts {
  private readonly seen = new Map<string, Seen>();
  /** Nonces issued at or before this may have been dropped. */
  private forgottenUpTo = -1;

  constructor(
    private readonly maxNonces: number,
    /** Nonces older than this are refused anyway; their records may go without a trace. */
    private readonly ttlMs: number,
  ) {}

  /** Records count `nc` for `nonce`; says whether it was fresh. Call only for a valid response. */
  use(nonce: string, issuedAt: number, nc: number, now: number): NonceUse {
    const entry = this.seen.get(nonce);
    if (entry === undefined) {
      if (issuedAt <= this.forgottenUpTo) return 'forgotten';
      this.put(nonce, { issuedAt, highest: nc, window: 1 }, now);
      return 'fresh';
    }
    if (nc > entry.highest) {
      const shift = nc - entry.highest;
      entry.window = shift >= WINDOW ? 1 : ((entry.window << shift) | 1) >>> 0;
      entry.highest = nc;
    } else {
      const back = entry.highest - nc;
      const bit = back < WINDOW ? (1 << back) >>> 0 : 0;
      if (bit === 0 || (entry.window & bit) !== 0) return 'replay';
      entry.window = (entry.window | bit) >>> 0;
    }
    this.put(nonce, entry, now);
    return 'fresh';
  }

  get size(): number {
    return this.seen.size;
  }

  private put(nonce: string, entry: Seen, now: number): void {
    this.seen.delete(nonce);
    this.seen.set(nonce, entry);
    while (this.seen.size > this.maxNonces) {
      const [oldest, dropped] = this.seen.entries().next().value as [string, Seen];
      this.seen.delete(oldest);
      // An expired nonce is refused by its age; only a live one needs the watermark.
      if (now - dropped.issuedAt <= this.ttlMs)
        this.forgottenUpTo = Math.max(this.forgottenUpTo, dropped.issuedAt);
    }
  }
}
