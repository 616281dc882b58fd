import VigilMetrics

/// The schema of a Vigil database, as ordered migrations (version n = first n applied). New ones are
/// appended; one that has shipped is never edited or moved, since databases record only its index.
enum VigilSchema {
    static let migrator = SchemaMigrator(migrations: [
        .init(
            name: "logs and metrics",
            sql: """
                CREATE TABLE log_groups (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    creation_time INTEGER NOT NULL,
                    retention_days INTEGER,
                    stored_bytes INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE log_group_tags (
                    group_id INTEGER NOT NULL REFERENCES log_groups(id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (group_id, key)
                ) WITHOUT ROWID;
                CREATE TABLE log_streams (
                    id INTEGER PRIMARY KEY,
                    group_id INTEGER NOT NULL REFERENCES log_groups(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    creation_time INTEGER NOT NULL,
                    first_event INTEGER,
                    last_event INTEGER,
                    last_ingestion INTEGER,
                    stored_bytes INTEGER NOT NULL DEFAULT 0,
                    UNIQUE (group_id, name)
                );
                CREATE TABLE log_events (
                    id INTEGER PRIMARY KEY,
                    group_id INTEGER NOT NULL REFERENCES log_groups(id) ON DELETE CASCADE,
                    stream_id INTEGER NOT NULL REFERENCES log_streams(id) ON DELETE CASCADE,
                    timestamp INTEGER NOT NULL,
                    ingestion_time INTEGER NOT NULL,
                    message BLOB NOT NULL
                );
                CREATE INDEX log_events_by_group_time ON log_events (group_id, timestamp, id);
                CREATE INDEX log_events_by_stream ON log_events (stream_id);
                CREATE TABLE metric_filters (
                    group_id INTEGER NOT NULL REFERENCES log_groups(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    pattern TEXT NOT NULL,
                    transformations TEXT NOT NULL,
                    creation_time INTEGER NOT NULL,
                    PRIMARY KEY (group_id, name)
                ) WITHOUT ROWID;
                CREATE TABLE metrics (
                    id INTEGER PRIMARY KEY,
                    namespace TEXT NOT NULL,
                    name TEXT NOT NULL,
                    dimensions TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    UNIQUE (namespace, name, dimensions, unit)
                );
                CREATE TABLE metric_minutes (
                    metric_id INTEGER NOT NULL REFERENCES metrics(id),
                    minute INTEGER NOT NULL,
                    sample_count REAL NOT NULL,
                    sum REAL NOT NULL,
                    minimum REAL NOT NULL,
                    maximum REAL NOT NULL,
                    PRIMARY KEY (metric_id, minute)
                ) WITHOUT ROWID;
                CREATE TABLE ingest_offsets (
                    source TEXT PRIMARY KEY,
                    identity TEXT NOT NULL,
                    offset INTEGER NOT NULL
                ) WITHOUT ROWID;
                """),
        .init(
            name: "metric aggregates at several resolutions, with distributions",
            sql: """
                CREATE TABLE metric_data (
                    metric_id INTEGER NOT NULL REFERENCES metrics(id),
                    resolution INTEGER NOT NULL,
                    start INTEGER NOT NULL,
                    sample_count REAL NOT NULL,
                    sum REAL NOT NULL,
                    minimum REAL NOT NULL,
                    maximum REAL NOT NULL,
                    distribution BLOB,
                    PRIMARY KEY (metric_id, resolution, start)
                ) WITHOUT ROWID;
                INSERT INTO metric_data (metric_id, resolution, start, sample_count, sum, minimum, maximum)
                    SELECT metric_id, 60, minute, sample_count, sum, minimum, maximum FROM metric_minutes;
                DROP TABLE metric_minutes;
                ALTER TABLE metrics ADD COLUMN last_published INTEGER NOT NULL DEFAULT 0;
                """),
        .init(
            name: "log events stored as one block per batch",
            sql: """
                CREATE TABLE log_blocks (
                    id INTEGER PRIMARY KEY,
                    group_id INTEGER NOT NULL REFERENCES log_groups(id) ON DELETE CASCADE,
                    stream_id INTEGER NOT NULL REFERENCES log_streams(id) ON DELETE CASCADE,
                    first_ts INTEGER NOT NULL,
                    last_ts INTEGER NOT NULL,
                    first_event_id INTEGER NOT NULL,
                    event_count INTEGER NOT NULL,
                    ingestion_time INTEGER NOT NULL,
                    data BLOB NOT NULL
                );
                CREATE INDEX log_blocks_by_first ON log_blocks (group_id, first_ts);
                CREATE INDEX log_blocks_by_last ON log_blocks (group_id, last_ts);
                CREATE INDEX log_blocks_by_stream ON log_blocks (stream_id);
                CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO counters (name, value) SELECT 'event_id', coalesce(max(id), 0) + 1 FROM log_events;
                """,
            code: { db in
                // Each stored event becomes a block of one, keeping its id.
                let rows = try db.statement(
                    "SELECT id, group_id, stream_id, timestamp, ingestion_time, message FROM log_events ORDER BY id")
                let insert = try db.statement(
                    """
                    INSERT INTO log_blocks (group_id, stream_id, first_ts, last_ts, first_event_id, event_count, ingestion_time, data)
                    VALUES (?, ?, ?, ?, ?, 1, ?, ?)
                    """)
                while try rows.step() {
                    let t = rows.int64(3)
                    let data = LogBlock.encode([NewLogEvent(timestamp: t, message: rows.blob(5))])
                    insert.reset()
                    try insert.bind(
                        .integer(rows.int64(1)), .integer(rows.int64(2)), .integer(t), .integer(t),
                        .integer(rows.int64(0)), .integer(rows.int64(4)))
                    try data.withUnsafeBytes { (b: UnsafeRawBufferPointer) throws -> Void in
                        try insert.bindBlob(b, at: 7)
                    }
                    try insert.run()
                }
                rows.reset()
                try db.execute("DROP TABLE log_events")
            }),
        .init(
            name: "metric alarms, their history and the notification outbox",
            sql: """
                CREATE TABLE alarms (
                    name TEXT PRIMARY KEY,
                    definition TEXT NOT NULL,
                    namespace TEXT NOT NULL,
                    metric_name TEXT NOT NULL,
                    state TEXT NOT NULL,
                    state_reason TEXT NOT NULL,
                    state_reason_data TEXT,
                    state_updated INTEGER NOT NULL,
                    actions_enabled INTEGER NOT NULL,
                    configuration_updated INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE alarm_history (
                    id INTEGER PRIMARY KEY,
                    alarm_name TEXT NOT NULL,
                    timestamp INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    data TEXT NOT NULL
                );
                CREATE INDEX alarm_history_by_alarm ON alarm_history (alarm_name, timestamp);
                CREATE INDEX alarm_history_by_time ON alarm_history (timestamp);
                CREATE TABLE notification_outbox (
                    id INTEGER PRIMARY KEY,
                    created INTEGER NOT NULL,
                    alarm_name TEXT NOT NULL,
                    action TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending'
                );
                CREATE INDEX metric_data_by_time ON metric_data (resolution, start);
                """),
        .init(
            name: "composite alarms' action suppression; outbox messages held back or dropped",
            sql: """
                ALTER TABLE alarms ADD COLUMN suppressed_by TEXT;
                ALTER TABLE alarms ADD COLUMN suppressed_until INTEGER;
                CREATE INDEX notification_outbox_held ON notification_outbox (alarm_name) WHERE status = 'held';
                """),
        .init(
            name: "dimension keys with escapes (MetricKey.canonicalDimensions)",
            sql: "",
            code: { db in
                // Before, pairs were joined by newlines and split at the first '=' with nothing escaped;
                // only a key holding a backslash reads differently now. Each is re-encoded from what the
                // old reading meant.
                let rows = try db.statement("SELECT id, dimensions FROM metrics WHERE instr(dimensions, '\\') > 0")
                var changes: [(Int64, String)] = []
                while try rows.step() {
                    let old = rows.text(1)
                    let pairs = old.split(separator: "\n", omittingEmptySubsequences: true).map { pair in
                        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                        return MetricKey.Dimension(
                            name: String(parts.first ?? ""), value: parts.count > 1 ? String(parts[1]) : "")
                    }
                    changes.append(
                        (rows.int64(0), MetricKey(namespace: "", name: "", dimensions: pairs).canonicalDimensions))
                }
                rows.reset()
                let update = try db.statement("UPDATE OR IGNORE metrics SET dimensions = ? WHERE id = ?")
                for (id, text) in changes {
                    update.reset()
                    try update.bind(.text(text), .integer(id)).run()
                }
            }),
        .init(
            name: "a version of the metric filters that every change of them bumps, whichever process makes it",
            sql: """
                INSERT OR IGNORE INTO counters (name, value) VALUES ('metric_filters_version', 0);
                CREATE TRIGGER IF NOT EXISTS metric_filters_inserted AFTER INSERT ON metric_filters BEGIN
                    UPDATE counters SET value = value + 1 WHERE name = 'metric_filters_version';
                END;
                CREATE TRIGGER IF NOT EXISTS metric_filters_updated AFTER UPDATE ON metric_filters BEGIN
                    UPDATE counters SET value = value + 1 WHERE name = 'metric_filters_version';
                END;
                CREATE TRIGGER IF NOT EXISTS metric_filters_deleted AFTER DELETE ON metric_filters BEGIN
                    UPDATE counters SET value = value + 1 WHERE name = 'metric_filters_version';
                END;
                CREATE TRIGGER IF NOT EXISTS log_groups_deleted AFTER DELETE ON log_groups BEGIN
                    UPDATE counters SET value = value + 1 WHERE name = 'metric_filters_version';
                END;
                """),
        .init(
            name: "leases (one alarm scheduler per data directory)",
            sql: """
                CREATE TABLE IF NOT EXISTS leases (
                    name TEXT PRIMARY KEY,
                    holder TEXT NOT NULL,
                    expires INTEGER NOT NULL
                ) WITHOUT ROWID;
                """),
        .init(
            name: "SNS topics, subscriptions, their attributes and tags, and the per-subscription delivery outbox",
            sql: """
                CREATE TABLE IF NOT EXISTS sns_topics (
                    arn TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    created INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS sns_subscriptions (
                    arn TEXT PRIMARY KEY,
                    topic_arn TEXT NOT NULL,
                    protocol TEXT NOT NULL,
                    endpoint TEXT NOT NULL,
                    owner TEXT NOT NULL,
                    confirmed INTEGER NOT NULL,
                    token TEXT,
                    token_expires INTEGER,
                    created INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS sns_subscriptions_by_topic ON sns_subscriptions (topic_arn);
                CREATE TABLE IF NOT EXISTS sns_attributes (
                    arn TEXT NOT NULL,
                    name TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (arn, name)
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS sns_tags (
                    arn TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (arn, key)
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS sns_deliveries (
                    id INTEGER PRIMARY KEY,
                    subscription_arn TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    topic_arn TEXT NOT NULL,
                    subject TEXT,
                    message TEXT NOT NULL,
                    attributes TEXT NOT NULL,
                    timestamp INTEGER NOT NULL,
                    token TEXT,
                    status TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt INTEGER NOT NULL,
                    last_status INTEGER,
                    last_error TEXT,
                    latency_ms INTEGER,
                    finished INTEGER
                );
                CREATE INDEX IF NOT EXISTS sns_deliveries_pending ON sns_deliveries (subscription_arn, id) WHERE status = 'pending';
                CREATE INDEX IF NOT EXISTS sns_deliveries_due ON sns_deliveries (next_attempt) WHERE status = 'pending';
                CREATE INDEX IF NOT EXISTS sns_deliveries_dead ON sns_deliveries (id) WHERE status = 'dead';
                CREATE INDEX IF NOT EXISTS notification_outbox_pending ON notification_outbox (id) WHERE status = 'pending';
                """),
        .init(
            name: "SNS unsubscribed subscriptions kept three days, so an UnsubscribeConfirmation's link restores them",
            sql: "",
            code: { db in
                // ALTER TABLE has no IF NOT EXISTS: the column is added only when missing, so that the
                // migration can run again over a database that has it.
                let columns = try db.statement(
                    "SELECT 1 FROM pragma_table_info('sns_subscriptions') WHERE name = 'unsubscribed'")
                let present = try columns.step()
                columns.reset()
                if !present {
                    try db.execute("ALTER TABLE sns_subscriptions ADD COLUMN unsubscribed INTEGER NOT NULL DEFAULT 0")
                }
            }),
        .init(
            name: "SNS destination health (the delivery engine's circuit breakers)",
            sql: """
                CREATE TABLE IF NOT EXISTS sns_destinations (
                    destination TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    failures INTEGER NOT NULL,
                    cooldown_ms INTEGER NOT NULL,
                    retry_at INTEGER NOT NULL,
                    last_error TEXT,
                    changed INTEGER NOT NULL
                ) WITHOUT ROWID;
                """),
        .init(
            name: "log blocks found by event id (live tail reads events in commit order)",
            sql: "CREATE INDEX IF NOT EXISTS log_blocks_by_event_id ON log_blocks (group_id, first_event_id);"),
    ])
}
