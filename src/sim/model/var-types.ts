// The types the simulator's channel-variable tables share: what a value is computed with, and one step
// of a variable recipe.

/** What variable values are computed with besides the channel. */
export interface ValueEnv {
  now: number;
  /** The switch's SIP/RTP address (127.0.0.1 in the lab). */
  localIp: string;
  domain: string;
  /** The SIP profile's codec preferences. */
  codecPrefs: readonly string[];
}

/** A variable computed when set, a fixed value, or a removal. */
export type VarOp = string | [name: string, value: string] | { del: string };
