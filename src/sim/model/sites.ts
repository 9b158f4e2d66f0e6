// Where FreeSWITCH 1.11.2 says it fired each channel event (Event-Calling-*), copied from the real
// transcripts so a client that logs them sees the same source locations.

export interface CallSite {
  file: string;
  func: string;
  line: number;
}

export const SITES = {
  channelCreate: { file: 'switch_core_state_machine.c', func: 'switch_core_session_run', line: 626 },
  channelProgress: {
    file: 'switch_channel.c',
    func: 'switch_channel_perform_mark_ring_ready_value',
    line: 3507,
  },
  channelProgressMedia: {
    file: 'switch_channel.c',
    func: 'switch_channel_perform_mark_pre_answered',
    line: 3562,
  },
  channelAnswer: { file: 'switch_channel.c', func: 'switch_channel_perform_mark_answered', line: 3848 },
  channelBridge: { file: 'switch_ivr_bridge.c', func: 'switch_ivr_multi_threaded_bridge', line: 1689 },
  channelUnbridge: { file: 'switch_ivr_bridge.c', func: 'switch_ivr_multi_threaded_bridge', line: 1879 },
  channelHangup: { file: 'switch_channel.c', func: 'switch_channel_perform_hangup', line: 3447 },
  channelHangupComplete: {
    file: 'switch_core_state_machine.c',
    func: 'switch_core_session_reporting_state',
    line: 943,
  },
  channelDestroy: { file: 'switch_core_session.c', func: 'switch_core_session_perform_destroy', line: 1588 },
  // call-control-hold-transfer (test/fixtures/fs-transcripts)
  callUpdateFlip: { file: 'switch_channel.c', func: 'switch_channel_flip_cid', line: 3279 },
  callUpdateDisplay: { file: 'mod_sofia.c', func: 'sofia_receive_message', line: 2133 },
  channelHold: { file: 'switch_ivr.c', func: 'switch_ivr_hold', line: 1558 },
  channelUnhold: { file: 'switch_ivr.c', func: 'switch_ivr_unhold', line: 1638 },
} satisfies Record<string, CallSite>;
