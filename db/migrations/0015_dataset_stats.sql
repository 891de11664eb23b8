CREATE TABLE "dataset_stats" (
	"dataset_id" uuid PRIMARY KEY NOT NULL,
	"file_count" bigint DEFAULT 0 NOT NULL,
	"file_bytes" bigint DEFAULT 0 NOT NULL,
	"history_bytes" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dataset_stats" ADD CONSTRAINT "dataset_stats_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint

-- The totals (dataset_stats, see db/schema/dataset-stats.ts): kept here, by triggers, in the transaction
-- of every change to a dataset's files, versions and Trash, so no code path can forget them.
-- Statement-level triggers with transition tables: a folder of 100,000 files moved to the Trash is one
-- update of its dataset's row, not 100,000. Each applies one delta per dataset, in dataset order, so two
-- statements spanning several datasets (the sweeps of two instances) take the row locks in the same order.
-- A statement that changes no totals (a rename, a move) does not touch the row at all.
CREATE FUNCTION dataset_stats_add(p_dataset uuid, p_files bigint, p_bytes bigint, p_history bigint) RETURNS void LANGUAGE sql AS $$
  UPDATE dataset_stats SET file_count = file_count + p_files, file_bytes = file_bytes + p_bytes, history_bytes = history_bytes + p_history
  WHERE dataset_id = p_dataset;
$$;
--> statement-breakpoint
CREATE FUNCTION dataset_stats_entries_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  -- Only the transition tables the event has may be named (plpgsql plans each branch when it first runs).
  IF TG_OP = 'INSERT' THEN
    FOR r IN SELECT dataset_id, count(*) AS n, sum(size)::bigint AS b FROM new_rows WHERE kind = 'file' GROUP BY 1 ORDER BY 1 LOOP
      PERFORM dataset_stats_add(r.dataset_id, r.n, r.b, 0);
    END LOOP;
  ELSIF TG_OP = 'DELETE' THEN
    FOR r IN SELECT dataset_id, count(*) AS n, sum(size)::bigint AS b FROM old_rows WHERE kind = 'file' GROUP BY 1 ORDER BY 1 LOOP
      PERFORM dataset_stats_add(r.dataset_id, -r.n, -r.b, 0);
    END LOOP;
  ELSE
    FOR r IN
      SELECT dataset_id, sum(n)::bigint AS n, sum(b)::bigint AS b FROM (
        SELECT dataset_id, 1 AS n, size AS b FROM new_rows WHERE kind = 'file'
        UNION ALL SELECT dataset_id, -1, -size FROM old_rows WHERE kind = 'file'
      ) d GROUP BY 1 HAVING sum(n) <> 0 OR sum(b) <> 0 ORDER BY 1
    LOOP
      PERFORM dataset_stats_add(r.dataset_id, r.n, r.b, 0);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Earlier versions and the Trash count in the size only (history_bytes): every version, the Trash's files.
CREATE FUNCTION dataset_stats_versions_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    FOR r IN SELECT dataset_id, sum(size)::bigint AS b FROM new_rows GROUP BY 1 ORDER BY 1 LOOP
      PERFORM dataset_stats_add(r.dataset_id, 0, 0, r.b);
    END LOOP;
  ELSIF TG_OP = 'DELETE' THEN
    FOR r IN SELECT dataset_id, sum(size)::bigint AS b FROM old_rows GROUP BY 1 ORDER BY 1 LOOP
      PERFORM dataset_stats_add(r.dataset_id, 0, 0, -r.b);
    END LOOP;
  ELSE
    FOR r IN
      SELECT dataset_id, sum(b)::bigint AS b FROM (
        SELECT dataset_id, size AS b FROM new_rows
        UNION ALL SELECT dataset_id, -size FROM old_rows
      ) d GROUP BY 1 HAVING sum(b) <> 0 ORDER BY 1
    LOOP
      PERFORM dataset_stats_add(r.dataset_id, 0, 0, r.b);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION dataset_stats_trash_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    FOR r IN SELECT dataset_id, sum(size)::bigint AS b FROM new_rows WHERE kind = 'file' GROUP BY 1 ORDER BY 1 LOOP
      PERFORM dataset_stats_add(r.dataset_id, 0, 0, r.b);
    END LOOP;
  ELSIF TG_OP = 'DELETE' THEN
    FOR r IN SELECT dataset_id, sum(size)::bigint AS b FROM old_rows WHERE kind = 'file' GROUP BY 1 ORDER BY 1 LOOP
      PERFORM dataset_stats_add(r.dataset_id, 0, 0, -r.b);
    END LOOP;
  ELSE
    FOR r IN
      SELECT dataset_id, sum(b)::bigint AS b FROM (
        SELECT dataset_id, size AS b FROM new_rows WHERE kind = 'file'
        UNION ALL SELECT dataset_id, -size FROM old_rows WHERE kind = 'file'
      ) d GROUP BY 1 HAVING sum(b) <> 0 ORDER BY 1
    LOOP
      PERFORM dataset_stats_add(r.dataset_id, 0, 0, r.b);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A trigger with transition tables serves one event, hence three per table.
CREATE TRIGGER dataset_stats_entries_ins AFTER INSERT ON entries REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dataset_stats_entries_trigger();
--> statement-breakpoint
CREATE TRIGGER dataset_stats_entries_upd AFTER UPDATE ON entries REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dataset_stats_entries_trigger();
--> statement-breakpoint
CREATE TRIGGER dataset_stats_entries_del AFTER DELETE ON entries REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dataset_stats_entries_trigger();
--> statement-breakpoint
CREATE TRIGGER dataset_stats_versions_ins AFTER INSERT ON file_versions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dataset_stats_versions_trigger();
--> statement-breakpoint
CREATE TRIGGER dataset_stats_versions_upd AFTER UPDATE ON file_versions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dataset_stats_versions_trigger();
--> statement-breakpoint
CREATE TRIGGER dataset_stats_versions_del AFTER DELETE ON file_versions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dataset_stats_versions_trigger();
--> statement-breakpoint
CREATE TRIGGER dataset_stats_trash_ins AFTER INSERT ON trashed_entries REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dataset_stats_trash_trigger();
--> statement-breakpoint
CREATE TRIGGER dataset_stats_trash_upd AFTER UPDATE ON trashed_entries REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dataset_stats_trash_trigger();
--> statement-breakpoint
CREATE TRIGGER dataset_stats_trash_del AFTER DELETE ON trashed_entries REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dataset_stats_trash_trigger();
--> statement-breakpoint
-- Every dataset has its row from the start (the triggers above only update, so the cascades of a
-- dataset's deletion never re-create one).
CREATE FUNCTION dataset_stats_datasets_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dataset_stats (dataset_id) SELECT id FROM new_rows ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER dataset_stats_datasets_ins AFTER INSERT ON datasets REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dataset_stats_datasets_trigger();
--> statement-breakpoint
-- Recomputes every row from scratch: the backfill below, and bulk loads that switched the triggers off.
CREATE FUNCTION dataset_stats_rebuild() RETURNS void LANGUAGE sql AS $$
  INSERT INTO dataset_stats (dataset_id, file_count, file_bytes, history_bytes)
  SELECT d.id, coalesce(f.n, 0), coalesce(f.b, 0), coalesce(v.b, 0) + coalesce(t.b, 0)
  FROM datasets d
  LEFT JOIN (SELECT dataset_id, count(*) AS n, sum(size)::bigint AS b FROM entries WHERE kind = 'file' GROUP BY 1) f ON f.dataset_id = d.id
  LEFT JOIN (SELECT dataset_id, sum(size)::bigint AS b FROM file_versions GROUP BY 1) v ON v.dataset_id = d.id
  LEFT JOIN (SELECT dataset_id, sum(size)::bigint AS b FROM trashed_entries WHERE kind = 'file' GROUP BY 1) t ON t.dataset_id = d.id
  ON CONFLICT (dataset_id) DO UPDATE SET file_count = excluded.file_count, file_bytes = excluded.file_bytes, history_bytes = excluded.history_bytes;
$$;
--> statement-breakpoint
SELECT dataset_stats_rebuild();
