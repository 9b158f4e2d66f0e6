// Schema of the login throttle shared by every daemon (migration 2): the failed-login counters and the
// addresses users logged in from, with the functions that count an attempt and settle it, each one
// round trip. The rules are MemoryLoginThrottle's (src/http/auth-guard.ts), on PostgreSQL's clock
// (or the caller's, in tests) so daemons whose clocks differ agree.
//
// Counter rows are locked in one order, (kind, id), by every function, so concurrent attempts never
// deadlock; the clean-up skips locked rows. A success of a user at an address not yet known, and each
// address pushed out of a user's most recent ones, is announced on LOGIN_CHANNEL: every daemon keeps
// the whole table of known addresses in memory and decides from it, without asking, whether an
// attempt comes from a known address.

/** The channel every daemon LISTENs on for changes of the known addresses (JSON payloads). */
export const LOGIN_CHANNEL = 'fs_confd_logins';

/** Serialises the successes of one user (two-key advisory locks: apart from the store's one-key ones). */
const KNOWN_LOCK = 0x66_73_6b_6e; // "fskn"

export const LOGIN_THROTTLE_SQL = `
  -- One row per counter: kind 'pair' (address + login name), 'client' (address), 'account' (name).
  CREATE TABLE login_counters (
    kind text NOT NULL CHECK (kind IN ('account', 'client', 'pair')),
    id text NOT NULL,
    failures integer NOT NULL DEFAULT 0,
    last_failure bigint NOT NULL DEFAULT 0,
    blocked_until bigint NOT NULL DEFAULT 0,
    lockouts integer NOT NULL DEFAULT 0,
    -- When each attempt still being checked was admitted: it counts toward the limit until settled
    -- (or, if its daemon went away, until it is older than the pending time the caller gives).
    pending bigint[] NOT NULL DEFAULT '{}',
    touched bigint NOT NULL,
    PRIMARY KEY (kind, id)
  );
  CREATE INDEX login_counters_touched ON login_counters (touched);

  -- The addresses each user logged in from successfully, the most recent few.
  CREATE TABLE login_known (
    user_name text NOT NULL REFERENCES users (user_name) ON DELETE CASCADE,
    client text NOT NULL,
    last_success bigint NOT NULL,
    PRIMARY KEY (user_name, client)
  );

  CREATE FUNCTION login_now(p_now bigint) RETURNS bigint LANGUAGE sql AS $$
    SELECT coalesce(p_now, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint)
  $$;

  -- The calling transaction commits without waiting for its WAL to reach disk: a crash of the server
  -- may lose the last fraction of a second of login counts, never a store write (those keep the
  -- server's setting), and a login does not wait for a disk flush.
  CREATE FUNCTION login_fast_commit() RETURNS void LANGUAGE sql AS $$
    SELECT set_config('synchronous_commit', 'off', true)
  $$;

  -- The counter's row, locked; created when missing (again if a clean-up deleted it meanwhile).
  CREATE FUNCTION login_counter_lock(p_kind text, p_id text, p_now bigint)
  RETURNS login_counters LANGUAGE plpgsql AS $$
  DECLARE
    r login_counters;
  BEGIN
    LOOP
      SELECT * INTO r FROM login_counters WHERE kind = p_kind AND id = p_id FOR UPDATE;
      IF FOUND THEN RETURN r; END IF;
      INSERT INTO login_counters (kind, id, touched) VALUES (p_kind, p_id, p_now) ON CONFLICT DO NOTHING;
    END LOOP;
  END $$;

  -- Counts one attempt on every given counter if none refuses it. wait_ms: 0 when admitted (then
  -- admitted_at identifies it in login_settle), else how long to wait; the counters blocked by a
  -- lockout come back with their remaining time, so the daemon can refuse them without asking.
  -- pair_clean: the pair counter (if given) has no failure, lockout or pending attempt that counts.
  CREATE FUNCTION login_admit(
    p_kinds text[], p_ids text[], p_client_limit integer, p_account_limit integer,
    p_window_ms bigint, p_pending_ms bigint, p_pending_retry_ms bigint, p_now bigint,
    OUT wait_ms bigint, OUT admitted_at bigint, OUT pair_clean boolean,
    OUT blocked_kinds text[], OUT blocked_ids text[], OUT blocked_ms bigint[])
  LANGUAGE plpgsql AS $$
  DECLARE
    now_ms bigint := login_now(p_now);
    locked login_counters[] := '{}';
    kept integer[] := '{}';
    r login_counters;
    i integer;
    in_window boolean;
  BEGIN
    PERFORM login_fast_commit();
    wait_ms := 0;
    blocked_kinds := '{}';
    blocked_ids := '{}';
    blocked_ms := '{}';
    FOR i IN SELECT s FROM generate_subscripts(p_kinds, 1) AS s ORDER BY p_kinds[s], p_ids[s] LOOP
      r := login_counter_lock(p_kinds[i], p_ids[i], now_ms);
      kept := kept || cardinality(r.pending);
      r.pending := ARRAY(SELECT t FROM unnest(r.pending) AS t WHERE t > now_ms - p_pending_ms);
      in_window := now_ms - r.last_failure <= p_window_ms;
      IF r.blocked_until > now_ms THEN
        wait_ms := greatest(wait_ms, r.blocked_until - now_ms);
        blocked_kinds := blocked_kinds || r.kind;
        blocked_ids := blocked_ids || r.id;
        blocked_ms := blocked_ms || (r.blocked_until - now_ms);
      ELSIF (CASE WHEN in_window THEN r.failures ELSE 0 END) + cardinality(r.pending)
            >= (CASE WHEN r.kind = 'account' THEN p_account_limit ELSE p_client_limit END) THEN
        wait_ms := greatest(wait_ms, p_pending_retry_ms);
      END IF;
      IF r.kind = 'pair' THEN
        pair_clean := r.blocked_until <= now_ms AND cardinality(r.pending) = 0
          AND (NOT in_window OR (r.failures = 0 AND r.lockouts = 0));
      END IF;
      locked := locked || r;
    END LOOP;
    FOR i IN 1 .. cardinality(locked) LOOP
      r := locked[i];
      IF wait_ms = 0 THEN
        IF now_ms - r.last_failure > p_window_ms AND r.blocked_until <= now_ms THEN
          r.failures := 0;
          r.lockouts := 0;
        END IF;
        r.pending := r.pending || now_ms;
      ELSIF cardinality(r.pending) = kept[i] THEN
        CONTINUE; -- refused and nothing expired: nothing to write
      END IF;
      UPDATE login_counters
        SET failures = r.failures, lockouts = r.lockouts, pending = r.pending, touched = now_ms
        WHERE kind = r.kind AND id = r.id;
    END LOOP;
    admitted_at := CASE WHEN wait_ms = 0 THEN now_ms END;
  END $$;

  -- Records a success of p_user at p_client: known from now on; announces a new address and every
  -- address pushed out of the p_kept most recent. Serialised per user; nothing if the user is gone.
  CREATE FUNCTION login_known_add(p_user text, p_client text, p_now bigint, p_kept integer)
  RETURNS void LANGUAGE plpgsql AS $$
  DECLARE
    inserted boolean;
    gone record;
  BEGIN
    PERFORM pg_advisory_xact_lock(${KNOWN_LOCK}, hashtext(p_user));
    -- Held to commit: the user cannot be deleted under us (the foreign key would refuse the row).
    PERFORM 1 FROM users WHERE user_name = p_user FOR KEY SHARE;
    IF NOT FOUND THEN RETURN; END IF;
    INSERT INTO login_known (user_name, client, last_success) VALUES (p_user, p_client, p_now)
      ON CONFLICT (user_name, client)
      DO UPDATE SET last_success = greatest(login_known.last_success, EXCLUDED.last_success)
      RETURNING (xmax = 0) INTO inserted;
    IF NOT inserted THEN RETURN; END IF;
    PERFORM pg_notify('${LOGIN_CHANNEL}',
      json_build_object('op', 'add', 'user', p_user, 'client', p_client)::text);
    FOR gone IN
      DELETE FROM login_known WHERE user_name = p_user AND client IN (
        SELECT client FROM login_known WHERE user_name = p_user
        ORDER BY client = p_client DESC, last_success DESC, client OFFSET p_kept)
      RETURNING client
    LOOP
      PERFORM pg_notify('${LOGIN_CHANNEL}',
        json_build_object('op', 'remove', 'user', p_user, 'client', gone.client)::text);
    END LOOP;
  END $$;

  -- Deletes up to p_max counters untouched since p_before (the caller makes that old enough that
  -- nothing in them still counts); rows another attempt holds are left for later.
  CREATE FUNCTION login_prune(p_before bigint, p_max integer) RETURNS integer LANGUAGE sql AS $$
    WITH old AS (
      SELECT kind, id FROM login_counters WHERE touched < p_before
      ORDER BY touched LIMIT p_max FOR UPDATE SKIP LOCKED
    ), gone AS (
      DELETE FROM login_counters c USING old WHERE c.kind = old.kind AND c.id = old.id RETURNING 1
    )
    SELECT count(*)::integer FROM gone
  $$;

  -- Settles an attempt with its outcome: gives back its pending mark (p_admitted_at; NULL for an
  -- attempt the daemon admitted itself, see SharedLoginThrottle), counts a failure (starting a lockout
  -- at the limit: locked), or clears the pair on a success and remembers the address. Returns the
  -- pair's state and the counters now blocked, as login_admit does.
  CREATE FUNCTION login_settle(
    p_kinds text[], p_ids text[], p_admitted_at bigint, p_outcome text, p_user text, p_client text,
    p_client_limit integer, p_account_limit integer, p_window_ms bigint, p_lockout_ms bigint,
    p_max_lockout_ms bigint, p_known_kept integer, p_keep_ms bigint, p_now bigint,
    OUT locked boolean, OUT pair_clean boolean,
    OUT blocked_kinds text[], OUT blocked_ids text[], OUT blocked_ms bigint[])
  LANGUAGE plpgsql AS $$
  DECLARE
    now_ms bigint := login_now(p_now);
    r login_counters;
    i integer;
    at integer;
  BEGIN
    PERFORM login_fast_commit();
    IF p_outcome NOT IN ('success', 'failure', 'unchecked') THEN
      RAISE EXCEPTION 'unknown outcome %', p_outcome;
    END IF;
    locked := false;
    blocked_kinds := '{}';
    blocked_ids := '{}';
    blocked_ms := '{}';
    FOR i IN SELECT s FROM generate_subscripts(p_kinds, 1) AS s ORDER BY p_kinds[s], p_ids[s] LOOP
      r := login_counter_lock(p_kinds[i], p_ids[i], now_ms);
      at := array_position(r.pending, p_admitted_at);
      IF at IS NOT NULL THEN
        r.pending := r.pending[:at - 1] || r.pending[at + 1:];
      END IF;
      IF now_ms - r.last_failure > p_window_ms AND r.blocked_until <= now_ms THEN
        r.failures := 0;
        r.lockouts := 0;
      END IF;
      IF p_outcome = 'success' AND r.kind = 'pair' AND cardinality(r.pending) = 0 THEN
        DELETE FROM login_counters WHERE kind = r.kind AND id = r.id;
        pair_clean := true;
        CONTINUE;
      ELSIF p_outcome = 'success' AND r.kind = 'pair' THEN
        r.failures := 0;
      ELSIF p_outcome = 'failure' THEN
        r.failures := (CASE WHEN now_ms - r.last_failure <= p_window_ms THEN r.failures ELSE 0 END) + 1;
        r.last_failure := now_ms;
        IF r.failures >= (CASE WHEN r.kind = 'account' THEN p_account_limit ELSE p_client_limit END) THEN
          r.blocked_until := now_ms + least(
            p_lockout_ms::numeric * power(2::numeric, least(r.lockouts, 62)), p_max_lockout_ms)::bigint;
          r.lockouts := r.lockouts + 1;
          r.failures := 0;
          locked := true;
        END IF;
      END IF;
      IF r.blocked_until > now_ms THEN
        blocked_kinds := blocked_kinds || r.kind;
        blocked_ids := blocked_ids || r.id;
        blocked_ms := blocked_ms || (r.blocked_until - now_ms);
      END IF;
      IF r.kind = 'pair' THEN
        pair_clean := r.blocked_until <= now_ms AND cardinality(r.pending) = 0
          AND r.failures = 0 AND r.lockouts = 0;
      END IF;
      UPDATE login_counters
        SET failures = r.failures, last_failure = r.last_failure, blocked_until = r.blocked_until,
            lockouts = r.lockouts, pending = r.pending, touched = now_ms
        WHERE kind = r.kind AND id = r.id;
    END LOOP;
    IF p_outcome = 'success' AND p_user IS NOT NULL THEN
      PERFORM login_known_add(p_user, p_client, now_ms, p_known_kept);
    END IF;
    IF random() < 0.02 THEN
      PERFORM login_prune(now_ms - p_keep_ms, 500);
    END IF;
  END $$;
`;
