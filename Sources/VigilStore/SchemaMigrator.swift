/// Applies named migrations in order and records the schema version in `PRAGMA user_version`.
///
/// A database written by a newer Vigil (a higher version than this build knows) is refused, so an old
/// binary never writes into a schema it does not understand.
struct SchemaMigrator {
    struct Migration {
        let name: String
        let sql: String
        /// Work SQL cannot express, run after `sql` in the same transaction.
        var code: (@Sendable (SQLiteConnection) throws -> Void)? = nil
    }

    let migrations: [Migration]

    func migrate(_ database: SQLiteDatabase) throws {
        try database.writeNow { db in
            let statement = try db.statement("PRAGMA user_version")
            _ = try statement.step()
            let current = statement.int(0)
            statement.reset()
            guard current <= migrations.count else {
                throw StoreError.newerSchema(path: database.path, found: current, supported: migrations.count)
            }
            for (k, m) in migrations.enumerated().dropFirst(current) {
                do {
                    try db.execute(m.sql)
                    try m.code?(db)
                } catch {
                    throw StoreError.migrationFailed(name: m.name, underlying: "\(error)")
                }
                try db.execute("PRAGMA user_version = \(k + 1)")
            }
        }
    }
}
