// What a channel variable's value is computed from besides the leg itself (var-values.ts and
// var-sip-values.ts): the switch's clock, address, domain and codec preferences.
export interface ValueEnv {
  now: number;
  /** The switch's SIP/RTP address (127.0.0.1 in the lab). */
  localIp: string;
  domain: string;
  /** The SIP profile's codec preferences. */
  codecPrefs: readonly string[];
}
