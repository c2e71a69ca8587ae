-- Lets PostgreSQL use an index for the equality filters FerretDB 1.x pushes down. FerretDB stores each
-- document in a jsonb column `_jsonb`, makes a MongoDB index a btree on expressions such as
-- (_jsonb -> 'tenant'), and filters an equality with containment, `_jsonb -> 'tenant' @> '"a"'`, which
-- a btree cannot serve: every lookup, by `_id` too, read the whole table (~45 ms at 5,000 deployments).
-- Whenever FerretDB creates an index, this adds a GIN index on each of its expressions, which serves
-- `@>` — without GIN's pending list (fastupdate), which every search reads through until a vacuum
-- merges it: right after 5,000 inserts a get took as long as without the index. (The server also runs with plan_cache_mode=force_custom_plan: FerretDB passes the field name as
-- a parameter, `_jsonb -> $1`, which matches an index expression only in a plan made for the values.)
-- Applied by stack/up.sh to the database FerretDB uses; idempotent.
CREATE OR REPLACE FUNCTION ranaas_index_twins() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  created record;
  k integer;
  expression text;
  twin text;
BEGIN
  FOR created IN
    SELECT c.objid AS index_oid, t.oid AS table_oid, t.relname AS table_name, i.indnkeyatts AS keys
    FROM pg_event_trigger_ddl_commands() c
    JOIN pg_index i ON i.indexrelid = c.objid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_class ic ON ic.oid = c.objid
    JOIN pg_am am ON am.oid = ic.relam
    WHERE c.command_tag = 'CREATE INDEX' AND am.amname = 'btree'
  LOOP
    FOR k IN 1..created.keys LOOP
      expression := pg_get_indexdef(created.index_oid, k, true);
      CONTINUE WHEN expression NOT LIKE '%_jsonb%';
      twin := left(created.table_name, 40) || '_gin_' || left(md5(created.table_name || expression), 12);
      EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((%s)) WITH (fastupdate = off)', twin, created.table_oid::regclass, expression);
    END LOOP;
  END LOOP;
END;
$$;

SET client_min_messages = warning;
DROP EVENT TRIGGER IF EXISTS ranaas_index_twins;
CREATE EVENT TRIGGER ranaas_index_twins ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION ranaas_index_twins();
