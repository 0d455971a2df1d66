import FluentKit
import SQLKit

/// Every person's touches in one row, kept by the database itself, so attribution reads one row per person instead
/// of a row per touchpoint (about sixty thousand rows instead of a million for a year of the demo at scale 20).
///
/// `journey_rollups.touches` is a run of tokens `<epoch milliseconds>,<source>;` where the source is the touch's
/// campaign id, else `field_sales` for a sales touch, else its channel. Triggers on `touchpoints` append a token on
/// every insert (on PostgreSQL once per statement and person, from the statement's transition table, in person
/// order; tokens are in insertion order, readers sort them) and rebuild the person's row from
/// `touchpoints` on every delete or update of the columns a token holds (also the deletes and updates that foreign
/// keys cascade, as when a person is erased or a campaign deleted). Any writer (the API, batches, the demo, imports,
/// raw SQL) keeps it right; `AttributionRollupTests` checks it against a rebuild from scratch on both databases.
struct M0031_AddJourneyRollups: AsyncMigration {
    static let table = "journey_rollups"

    func prepare(on database: any Database) async throws {
        let sql = try Catalog.sqlDatabase(database)
        try await sql.raw("CREATE TABLE journey_rollups (person_id UUID PRIMARY KEY, touches TEXT NOT NULL)").run()
        if sql.dialect.name == "sqlite" {
            for statement in Self.sqlite { try await sql.raw(SQLQueryString(statement)).run() }
        } else {
            for statement in Self.postgres { try await sql.raw(SQLQueryString(statement)).run() }
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try Catalog.sqlDatabase(database)
        if sql.dialect.name == "sqlite" {
            for trigger in ["journey_rollup_insert", "journey_rollup_delete", "journey_rollup_update"] {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger)").run()
            }
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS journey_rollup_insert ON touchpoints").run()
            try await sql.raw("DROP TRIGGER IF EXISTS journey_rollup_change ON touchpoints").run()
            try await sql.raw("DROP FUNCTION IF EXISTS journey_rollup_touchpoints()").run()
            try await sql.raw("DROP FUNCTION IF EXISTS journey_rollup_inserted()").run()
            try await sql.raw("DROP FUNCTION IF EXISTS journey_rollup_rebuild(UUID)").run()
            try await sql.raw("DROP FUNCTION IF EXISTS journey_rollup_token(TIMESTAMPTZ, UUID, TEXT, TEXT)").run()
        }
        try await sql.raw("DROP TABLE journey_rollups").run()
    }

    /// A date column as whole milliseconds since 1970, computed the way the tokens are, so readers compare touches
    /// with opportunities' dates exactly.
    static func epochMilliseconds(_ column: String, dialect: String) -> String {
        dialect == "sqlite" ? "CAST(ROUND(\(column) * 1000) AS INTEGER)" : "ROUND(EXTRACT(EPOCH FROM \(column)) * 1000)::BIGINT"
    }

    // MARK: SQLite (dates are REAL seconds since 1970, ids uppercase text)

    static func sqliteToken(_ row: String) -> String {
        """
        \(epochMilliseconds("\(row).occurred_at", dialect: "sqlite")) || ',' || COALESCE(\(row).campaign_id,
            CASE WHEN \(row).side = 'sales' THEN 'field_sales' ELSE \(row).channel END) || ';'
        """
    }

    static func sqliteRebuild(_ person: String) -> String {
        """
        DELETE FROM journey_rollups WHERE person_id = \(person);
        INSERT INTO journey_rollups (person_id, touches)
            SELECT t.person_id, group_concat(\(sqliteToken("t")), '') FROM touchpoints t WHERE t.person_id = \(person)
            GROUP BY t.person_id;
        """
    }

    static let sqliteInsertTrigger = """
        CREATE TRIGGER journey_rollup_insert AFTER INSERT ON touchpoints BEGIN
            INSERT INTO journey_rollups (person_id, touches) VALUES (NEW.person_id, \(sqliteToken("NEW")))
            ON CONFLICT (person_id) DO UPDATE SET touches = journey_rollups.touches || excluded.touches;
        END
        """

    static let sqliteBackfill = """
        INSERT INTO journey_rollups (person_id, touches)
            SELECT t.person_id, group_concat(\(sqliteToken("t")), '') FROM touchpoints t GROUP BY t.person_id
        """

    static let sqlite: [String] = [
        sqliteInsertTrigger,
        "CREATE TRIGGER journey_rollup_delete AFTER DELETE ON touchpoints BEGIN \(sqliteRebuild("OLD.person_id")) END",
        """
        CREATE TRIGGER journey_rollup_update AFTER UPDATE OF person_id, campaign_id, side, channel, occurred_at
        ON touchpoints BEGIN \(sqliteRebuild("OLD.person_id")) \(sqliteRebuild("NEW.person_id")) END
        """,
        sqliteBackfill,
    ]

    // MARK: PostgreSQL

    static let postgres: [String] = [
        """
        CREATE FUNCTION journey_rollup_token(at TIMESTAMPTZ, campaign UUID, side TEXT, channel TEXT) RETURNS TEXT
        LANGUAGE sql IMMUTABLE AS $$
            SELECT \(epochMilliseconds("at", dialect: "postgresql")) || ',' ||
                   COALESCE(campaign::TEXT, CASE WHEN side = 'sales' THEN 'field_sales' ELSE channel END) || ';'
        $$
        """,
        """
        CREATE FUNCTION journey_rollup_rebuild(person UUID) RETURNS void LANGUAGE sql AS $$
            DELETE FROM journey_rollups WHERE person_id = person;
            INSERT INTO journey_rollups (person_id, touches)
                SELECT t.person_id, string_agg(journey_rollup_token(t.occurred_at, t.campaign_id, t.side, t.channel), '')
                FROM touchpoints t WHERE t.person_id = person GROUP BY t.person_id;
        $$
        """,
        """
        CREATE FUNCTION journey_rollup_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO journey_rollups (person_id, touches)
                SELECT i.person_id, string_agg(journey_rollup_token(i.occurred_at, i.campaign_id, i.side, i.channel), '')
                FROM inserted i GROUP BY i.person_id ORDER BY i.person_id
            ON CONFLICT (person_id) DO UPDATE SET touches = journey_rollups.touches || EXCLUDED.touches;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE FUNCTION journey_rollup_touchpoints() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM journey_rollup_rebuild(OLD.person_id);
            IF TG_OP = 'UPDATE' AND NEW.person_id <> OLD.person_id THEN
                PERFORM journey_rollup_rebuild(NEW.person_id);
            END IF;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER journey_rollup_insert AFTER INSERT ON touchpoints REFERENCING NEW TABLE AS inserted
        FOR EACH STATEMENT EXECUTE FUNCTION journey_rollup_inserted()
        """,
        """
        CREATE TRIGGER journey_rollup_change AFTER DELETE OR UPDATE OF person_id, campaign_id, side, channel, occurred_at
        ON touchpoints FOR EACH ROW EXECUTE FUNCTION journey_rollup_touchpoints()
        """,
        postgresBackfill,
    ]

    static let postgresBackfill = """
        INSERT INTO journey_rollups (person_id, touches)
            SELECT t.person_id, string_agg(journey_rollup_token(t.occurred_at, t.campaign_id, t.side, t.channel), '')
            FROM touchpoints t GROUP BY t.person_id
        """

    /// Runs `body` (a bulk load of touchpoints) without the per-row insert trigger and rebuilds every rollup after
    /// it with one grouped statement, inside the caller's transaction: a million demo touchpoints cost a few
    /// seconds instead of a trigger call each.
    static func bulkLoad(on database: any Database, _ body: (any Database) async throws -> Void) async throws {
        let sql = try Catalog.sqlDatabase(database)
        let sqlite = sql.dialect.name == "sqlite"
        try await sql.raw(sqlite ? "DROP TRIGGER journey_rollup_insert" : "ALTER TABLE touchpoints DISABLE TRIGGER journey_rollup_insert").run()
        try await body(database)
        try await sql.raw(SQLQueryString(sqlite ? sqliteInsertTrigger : "ALTER TABLE touchpoints ENABLE TRIGGER journey_rollup_insert")).run()
        try await sql.raw("DELETE FROM journey_rollups").run()
        try await sql.raw(SQLQueryString(sqlite ? sqliteBackfill : postgresBackfill)).run()
    }
}
