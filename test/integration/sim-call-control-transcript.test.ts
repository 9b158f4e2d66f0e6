// The simulator against a real FreeSWITCH 1.11.2 doing call control (test/fixtures/fs-transcripts/
// call-control-hold-transfer): a bridged call between two phones, `uuid_hold`, `uuid_hold off`, a
// blind `uuid_transfer` of the far leg, `uuid_kill`, and the replies for unknown uuids. The recorder's
// commands are replayed through the model at the recorded times; its replies must be FreeSWITCH's,
// and its channel events the same sequence with the same headers.
//
// The `variable_*` headers are left out of the event comparison here: this lab's FreeSWITCH offers
// OPUS,G722,PCMU,PCMA (the model copies the first lab's PCMU,PCMA codec set, ../shared/fs-transcripts)
// and a `user/` B-leg's variable order the model does not follow; everything the daemon reads (state,
// call state, answer state, caller ids, bridge and other-leg ids) is in the headers compared.
import { describe, expect, it } from 'vitest';
import type { SimLab } from '../../src/sim/model/config.js';
import {
  compareChannelEvents,
  compareReplies,
  FIXTURE_TRANSCRIPT_DIR,
  header,
  label,
  readLinesIn,
  readTranscriptIn,
  replayLines,
} from '../helpers/transcript-replay.js';
import { shapeOf } from '../helpers/transcript-compare.js';

const NAME = 'call-control-hold-transfer';

/** The lab when it was recorded: 1000 and 1001 registered by sipp phones that answer at once; 9196 echoes. */
const LAB: SimLab = {
  users: Object.fromEntries(
    Array.from({ length: 20 }, (_, i) => {
      const user = String(1000 + i);
      const contact = i === 0 ? '127.0.0.1:5210' : i === 1 ? '127.0.0.1:5211' : undefined;
      return [user, contact === undefined ? {} : { contact }];
    }),
  ),
  reachability: {
    '127.0.0.1:5210': { kind: 'answer', afterMs: 0 },
    '127.0.0.1:5211': { kind: 'answer', afterMs: 0 },
  },
  dialplan: { '9196': { kind: 'echo' } },
};

/**
 * `show calls|channels as json` are FreeSWITCH's sqlite rows, some of whose columns (ip_addr,
 * b_accountcode) lag behind the channel; the columns that say what the call is are compared.
 */
const ROW_COLUMNS = [
  'uuid',
  'name',
  'state',
  'callstate',
  'dest',
  'cid_name',
  'cid_num',
  'callee_name',
  'callee_num',
  'callee_direction',
  'application',
  'application_data',
  'dialplan',
  'context',
  'sent_callee_name',
  'sent_callee_num',
  'call_uuid',
  'b_uuid',
  'b_name',
  'b_state',
  'b_callstate',
  'b_dest',
];

function normaliseReply(reply: string): string {
  if (!reply.startsWith('{')) return shapeOf(reply);
  const parsed = JSON.parse(reply) as { row_count: number; rows?: Array<Record<string, string>> };
  const rows = (parsed.rows ?? []).map((row) =>
    Object.fromEntries(ROW_COLUMNS.filter((k) => k in row).map((k) => [k, row[k]])),
  );
  return shapeOf(JSON.stringify({ row_count: parsed.row_count, rows }));
}

async function replayed() {
  const expected = readTranscriptIn(FIXTURE_TRANSCRIPT_DIR, NAME);
  const actual = await replayLines(readLinesIn(FIXTURE_TRANSCRIPT_DIR, NAME), {
    sessionId: Number(header(expected.events[0]!, 'variable_session_id')),
    lab: LAB,
  });
  return { expected, actual };
}

describe('call control against the recording of a real FreeSWITCH', () => {
  it('answers uuid_hold, uuid_hold off, uuid_transfer, uuid_kill and show as FreeSWITCH did', async () => {
    const { expected, actual } = await replayed();
    expect(compareReplies(expected.replies, actual.replies, normaliseReply)).toEqual([]);
    // the recorded answers themselves, so a wrong normalisation cannot hide them
    expect(actual.replies.filter((r) => !r.startsWith('{'))).toEqual([
      '+OK Success\n',
      '+OK Success\n',
      '+OK\n',
      '+OK\n',
      '+OK Success\n',
      '+OK Success\n',
      '-ERR No such channel!\n',
      '-ERR No such channel!\n',
    ]);
    expect(actual.replies[2]).toContain('"callstate":"HELD"');
  });

  it('fires CHANNEL_HOLD, CHANNEL_UNHOLD, CALL_UPDATE and the teardown with the same headers', async () => {
    const { expected, actual } = await replayed();
    expect(compareChannelEvents(expected.events, actual.events, { withoutVariables: true })).toEqual([]);
    expect(actual.events.map(label).filter((l) => /HOLD|CALL_UPDATE|UNBRIDGE/.test(l))).toEqual([
      'CALL_UPDATE sofia/internal/1000@127.0.0.1:5210',
      'CALL_UPDATE sofia/internal/1001@127.0.0.1:5211',
      'CALL_UPDATE sofia/internal/1000@127.0.0.1:5210',
      'CHANNEL_HOLD sofia/internal/1000@127.0.0.1:5210',
      'CHANNEL_UNHOLD sofia/internal/1000@127.0.0.1:5210',
      'CALL_UPDATE sofia/internal/1001@127.0.0.1:5211',
      'CHANNEL_UNBRIDGE sofia/internal/1000@127.0.0.1:5210',
    ]);
  });

  it('the comparison can fail: a dropped hold or a changed reply is reported', async () => {
    const { expected, actual } = await replayed();
    const noHold = actual.events.filter((e) => header(e, 'Event-Name') !== 'CHANNEL_HOLD');
    expect(compareChannelEvents(expected.events, noHold, { withoutVariables: true }).join('\n')).toMatch(
      /CHANNEL_HOLD/,
    );
    const wrongState = actual.events.map((e) =>
      header(e, 'Event-Name') === 'CHANNEL_HOLD'
        ? {
            ...e,
            headers: e.headers.map(([k, v]): [string, string] => [
              k,
              k === 'Channel-Call-State' ? 'ACTIVE' : v,
            ]),
          }
        : e,
    );
    expect(compareChannelEvents(expected.events, wrongState, { withoutVariables: true }).join('\n')).toMatch(
      /Channel-Call-State: expected "HELD"/,
    );
    const replies = actual.replies.map((r) => (r === '-ERR No such channel!\n' ? '+OK\n' : r));
    expect(compareReplies(expected.replies, replies, normaliseReply).join('\n')).toMatch(/No such channel/);
  });
});
