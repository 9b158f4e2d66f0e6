// A delta of the event stream: what the projection (projection.ts, call-projection.ts) found changed,
// with what decides who may be told (filter.ts renders it per client).
import type { AdminCallView, CallEventType, ConferenceView, StreamMessage } from './protocol.js';
import type { ConferenceAccess } from './views.js';

/** One thing that changed, with what decides who may be told. */
export type Change =
  /** Seen by those who may control conference `name` (looked up when the change is sent). */
  | { kind: 'conference'; name: string; message: StreamMessage }
  /**
   * A call's users before and after (null: it was not / is no longer live). Parties in both get
   * `type`; parties only after get call.created, only before call.ended (they left the call).
   */
  | {
      kind: 'call';
      before: readonly string[] | null;
      after: readonly string[] | null;
      type: CallEventType;
      view: AdminCallView;
      origin: string | undefined;
    }
  /**
   * Who may see a conference changed in the store. `before`: its access while it was published (else
   * undefined); `view`: its live view now, if it runs and is stored.
   */
  | {
      kind: 'access';
      before: ConferenceAccess | undefined;
      after: ConferenceAccess | undefined;
      view: ConferenceView | undefined;
    }
  /** For everyone. */
  | { kind: 'node'; message: StreamMessage };
