extension SQLiteLogStore {
    public func acquireLease(_ name: String, holder: String, now: Int64, until: Int64) async throws -> Lease {
        try await database.write { db in
            try db.statement(
                """
                INSERT INTO leases (name, holder, expires) VALUES (?1, ?2, ?4)
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
                WHERE leases.holder = excluded.holder OR leases.expires <= ?3
                """
            ).bind(.text(name), .text(holder), .integer(now), .integer(until)).run()
            let s = try db.statement("SELECT holder, expires FROM leases WHERE name = ?").bind(.text(name))
            guard try s.step() else { return Lease(name: name, holder: "", expires: 0) }
            return Lease(name: name, holder: s.text(0), expires: s.int64(1))
        }
    }

    public func releaseLease(_ name: String, holder: String) async throws {
        try await database.write { db in
            try db.statement("DELETE FROM leases WHERE name = ? AND holder = ?").bind(.text(name), .text(holder)).run()
        }
    }
}
