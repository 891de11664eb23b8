-- The access index (dataset_access, see db/schema/access-index.ts): maintained here, by triggers, in
-- the transaction of every change that affects access, so no code path can forget it.
-- The rules are lib/access.ts's: effective rank = max(owner 4, active direct grant, active team
-- grants), a grant being active while expires_at is null or in the future. valid_until is the earliest
-- expiry among the active grants counted: past it, readers recompute the row (dataset_access_refresh).

-- Inventory: one index range scan per page, newest update first; INCLUDE lets filters and search run on index tuples.
CREATE INDEX "dataset_access_inventory_idx" ON "dataset_access" ("user_id", "updated_at" DESC, "dataset_id" DESC) INCLUDE ("owned", "name", "valid_until");
--> statement-breakpoint
CREATE INDEX "dataset_access_owned_idx" ON "dataset_access" ("user_id", "owned", "updated_at" DESC, "dataset_id" DESC) INCLUDE ("name", "valid_until");
--> statement-breakpoint
CREATE INDEX "dataset_access_expiring_idx" ON "dataset_access" ("user_id", "valid_until") WHERE "valid_until" IS NOT NULL;
--> statement-breakpoint

-- Recomputes one user × dataset pair from the live rules: upserts its row, or deletes it when the
-- user reaches the dataset no more. Locks the dataset row (FOR SHARE: a concurrent rename or update
-- finishes first, so the copied sort keys are current), then the pair (an advisory lock, held to the
-- end of the transaction, so two transactions changing the same pair's sources cannot each compute
-- from a snapshot missing the other's change — the later one waits, then reads both).
CREATE FUNCTION dataset_access_recompute(p_user uuid, p_dataset uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ds record;
  acc record;
BEGIN
  SELECT d.updated_at, d.name INTO ds FROM datasets d WHERE d.id = p_dataset FOR SHARE;
  IF NOT FOUND OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p_user) THEN
    DELETE FROM dataset_access WHERE user_id = p_user AND dataset_id = p_dataset;
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended(p_user::text || p_dataset::text, 7406215));
  SELECT max(s.rank) AS rank, bool_or(s.direct) AS direct, bool_or(s.team) AS via_team, bool_or(s.rank = 4) AS owned, min(s.expires_at) AS valid_until INTO acc
  FROM (
    SELECT 4 AS rank, false AS direct, false AS team, NULL::timestamptz AS expires_at FROM datasets d WHERE d.id = p_dataset AND d.owner_id = p_user
    UNION ALL
    SELECT CASE g.role WHEN 'viewer' THEN 1 WHEN 'editor' THEN 2 ELSE 3 END, true, false, g.expires_at
      FROM dataset_grants g
      WHERE g.dataset_id = p_dataset AND g.user_id = p_user AND (g.expires_at IS NULL OR g.expires_at > now())
    UNION ALL
    SELECT CASE g.role WHEN 'viewer' THEN 1 WHEN 'editor' THEN 2 ELSE 3 END, false, true, g.expires_at
      FROM team_members m JOIN dataset_grants g ON g.team_id = m.team_id
      WHERE m.user_id = p_user AND g.dataset_id = p_dataset AND (g.expires_at IS NULL OR g.expires_at > now())
  ) s;
  IF acc.rank IS NULL THEN
    DELETE FROM dataset_access WHERE user_id = p_user AND dataset_id = p_dataset;
    RETURN;
  END IF;
  INSERT INTO dataset_access (user_id, dataset_id, rank, direct, via_team, owned, updated_at, name, valid_until)
  VALUES (p_user, p_dataset, acc.rank, acc.direct, acc.via_team, acc.owned, ds.updated_at, ds.name, acc.valid_until)
  ON CONFLICT (user_id, dataset_id) DO UPDATE SET
    rank = excluded.rank, direct = excluded.direct, via_team = excluded.via_team, owned = excluded.owned,
    updated_at = excluded.updated_at, name = excluded.name, valid_until = excluded.valid_until;
END $$;
--> statement-breakpoint

-- Every pair a grant touches: its user, or each member of its team. When a team grant goes, the
-- team's members may already be gone (deleting a team cascades to its members and its grants, and
-- the AFTER triggers of both cascades run after both deletes), so it is every row of the dataset
-- that counts a team grant, plus the members still there.
CREATE FUNCTION dataset_access_for_grant(p_dataset uuid, p_user uuid, p_team uuid, p_removed boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  m record;
BEGIN
  IF p_user IS NOT NULL THEN
    PERFORM dataset_access_recompute(p_user, p_dataset);
  ELSIF p_team IS NOT NULL THEN
    -- A team grant and a membership change of the same team are serialised on the team's row (each
    -- finds its pairs from what it can see; the later one, waiting here, then sees the earlier one's).
    -- NO KEY UPDATE does not conflict with the foreign-key checks of inserts referencing the team.
    PERFORM 1 FROM teams t WHERE t.id = p_team FOR NO KEY UPDATE;
    FOR m IN
      SELECT tm.user_id FROM team_members tm WHERE tm.team_id = p_team
      UNION
      SELECT da.user_id FROM dataset_access da WHERE p_removed AND da.dataset_id = p_dataset AND da.via_team
      ORDER BY 1
    LOOP
      PERFORM dataset_access_recompute(m.user_id, p_dataset);
    END LOOP;
  END IF;
END $$;
--> statement-breakpoint

CREATE FUNCTION dataset_access_grants_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.dataset_id, OLD.user_id, OLD.team_id, OLD.role, OLD.expires_at)
      IS NOT DISTINCT FROM (NEW.dataset_id, NEW.user_id, NEW.team_id, NEW.role, NEW.expires_at) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM dataset_access_for_grant(OLD.dataset_id, OLD.user_id, OLD.team_id, true);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (OLD.dataset_id, OLD.user_id, OLD.team_id) IS DISTINCT FROM (NEW.dataset_id, NEW.user_id, NEW.team_id)) THEN
    PERFORM dataset_access_for_grant(NEW.dataset_id, NEW.user_id, NEW.team_id, false);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint

CREATE FUNCTION dataset_access_members_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  g record;
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.team_id, OLD.user_id) IS NOT DISTINCT FROM (NEW.team_id, NEW.user_id) THEN
    RETURN NULL; -- a team role change changes no dataset access
  END IF;
  -- Serialised with the team's grant changes (see dataset_access_for_grant), teams in id order.
  PERFORM 1 FROM teams t
    WHERE t.id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.team_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.team_id END)
    ORDER BY t.id FOR NO KEY UPDATE;
  -- The team's grants may already be gone (a team deletion cascades to both): every row of the user
  -- that counts a team grant is recomputed, as well as the grants still there.
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    FOR g IN
      SELECT dg.dataset_id FROM dataset_grants dg WHERE dg.team_id = OLD.team_id
      UNION
      SELECT da.dataset_id FROM dataset_access da WHERE da.user_id = OLD.user_id AND da.via_team
      ORDER BY 1
    LOOP
      PERFORM dataset_access_recompute(OLD.user_id, g.dataset_id);
    END LOOP;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    FOR g IN SELECT dg.dataset_id FROM dataset_grants dg WHERE dg.team_id = NEW.team_id ORDER BY dg.dataset_id LOOP
      PERFORM dataset_access_recompute(NEW.user_id, g.dataset_id);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint

CREATE FUNCTION dataset_access_datasets_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM dataset_access_recompute(NEW.owner_id, NEW.id);
    RETURN NULL;
  END IF;
  -- The sort and search keys of everyone's row for this dataset.
  IF NEW.updated_at IS DISTINCT FROM OLD.updated_at OR NEW.name IS DISTINCT FROM OLD.name THEN
    UPDATE dataset_access SET updated_at = NEW.updated_at, name = NEW.name WHERE dataset_id = NEW.id;
  END IF;
  IF NEW.owner_id IS DISTINCT FROM OLD.owner_id THEN
    PERFORM dataset_access_recompute(OLD.owner_id, NEW.id);
    PERFORM dataset_access_recompute(NEW.owner_id, NEW.id);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint

CREATE TRIGGER dataset_access_grants AFTER INSERT OR UPDATE OR DELETE ON dataset_grants FOR EACH ROW EXECUTE FUNCTION dataset_access_grants_trigger();
--> statement-breakpoint
CREATE TRIGGER dataset_access_members AFTER INSERT OR UPDATE OR DELETE ON team_members FOR EACH ROW EXECUTE FUNCTION dataset_access_members_trigger();
--> statement-breakpoint
CREATE TRIGGER dataset_access_datasets AFTER INSERT OR UPDATE ON datasets FOR EACH ROW EXECUTE FUNCTION dataset_access_datasets_trigger();
--> statement-breakpoint

-- Recomputes the rows of one user that are past their valid_until (a grant they counted has expired).
CREATE FUNCTION dataset_access_refresh(p_user uuid) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  r record;
  n integer := 0;
BEGIN
  FOR r IN SELECT da.dataset_id FROM dataset_access da WHERE da.user_id = p_user AND da.valid_until <= now() ORDER BY da.dataset_id LOOP
    PERFORM dataset_access_recompute(p_user, r.dataset_id);
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
--> statement-breakpoint

-- The live rules as a view: what the index must hold (rows past valid_until aside). The rebuild and
-- the tests read it.
CREATE VIEW dataset_access_live AS
  SELECT s.user_id, s.dataset_id, max(s.rank)::smallint AS rank, bool_or(s.direct) AS direct, bool_or(s.team) AS via_team,
    bool_or(s.rank = 4) AS owned, d.updated_at, d.name, min(s.expires_at) AS valid_until
  FROM (
    SELECT d.owner_id AS user_id, d.id AS dataset_id, 4 AS rank, false AS direct, false AS team, NULL::timestamptz AS expires_at FROM datasets d
    UNION ALL
    SELECT g.user_id, g.dataset_id, CASE g.role WHEN 'viewer' THEN 1 WHEN 'editor' THEN 2 ELSE 3 END, true, false, g.expires_at
      FROM dataset_grants g WHERE g.user_id IS NOT NULL AND (g.expires_at IS NULL OR g.expires_at > now())
    UNION ALL
    SELECT m.user_id, g.dataset_id, CASE g.role WHEN 'viewer' THEN 1 WHEN 'editor' THEN 2 ELSE 3 END, false, true, g.expires_at
      FROM dataset_grants g JOIN team_members m ON m.team_id = g.team_id WHERE g.expires_at IS NULL OR g.expires_at > now()
  ) s JOIN datasets d ON d.id = s.dataset_id
  GROUP BY s.user_id, s.dataset_id, d.updated_at, d.name;
--> statement-breakpoint

-- The whole index from the live rules in one pass (this migration's backfill; bulk loads that
-- switch the triggers off call it afterwards).
CREATE FUNCTION dataset_access_rebuild() RETURNS void LANGUAGE sql AS $$
  DELETE FROM dataset_access;
  INSERT INTO dataset_access (user_id, dataset_id, rank, direct, via_team, owned, updated_at, name, valid_until)
  SELECT user_id, dataset_id, rank, direct, via_team, owned, updated_at, name, valid_until FROM dataset_access_live;
$$;
--> statement-breakpoint
SELECT dataset_access_rebuild();
