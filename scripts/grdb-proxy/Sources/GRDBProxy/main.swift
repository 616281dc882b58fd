import CSQLite
import Foundation
import GRDB

// Side-by-side proxy of Vigil's two store hot paths: an ingest batch (one IMMEDIATE transaction with
// lookups, one block insert, stream bookkeeping and metric-aggregate merges) and an alarm tick's read
// (every metric's recent aggregates in one query). Raw sqlite3 (as Vigil's wrapper) against GRDB.

let schema = """
    CREATE TABLE IF NOT EXISTS groups (id INTEGER PRIMARY KEY, name TEXT UNIQUE);
    CREATE TABLE IF NOT EXISTS streams (id INTEGER PRIMARY KEY, group_id INTEGER, name TEXT, last INTEGER, bytes INTEGER DEFAULT 0, UNIQUE(group_id, name));
    CREATE TABLE IF NOT EXISTS blocks (id INTEGER PRIMARY KEY, group_id INTEGER, stream_id INTEGER, first_ts INTEGER, last_ts INTEGER, n INTEGER, data BLOB);
    CREATE TABLE IF NOT EXISTS metrics (id INTEGER PRIMARY KEY, namespace TEXT, name TEXT, dimensions TEXT, unit TEXT, UNIQUE(namespace, name, dimensions, unit));
    CREATE TABLE IF NOT EXISTS metric_data (metric_id INTEGER, resolution INTEGER, start INTEGER, sample_count REAL, sum REAL, minimum REAL, maximum REAL, distribution BLOB, PRIMARY KEY (metric_id, resolution, start)) WITHOUT ROWID;
    """

let batches = Int(CommandLine.arguments.dropFirst().first ?? "200") ?? 200
let blob = [UInt8](repeating: 0x61, count: 500_000)
let distribution = [UInt8](repeating: 7, count: 96)
let metricsCount = 10_000

func paths(_ tag: String) -> String {
    let p = NSTemporaryDirectory() + "grdbbench-\(tag)-\(UUID().uuidString).db"
    return p
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let c = ContinuousClock()
    let s = c.now
    try body()
    let d = c.now - s
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

// MARK: raw sqlite3

final class Raw {
    let db: OpaquePointer
    var cache: [String: OpaquePointer] = [:]
    init(_ path: String) {
        var h: OpaquePointer?
        sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        db = h!
        sqlite3_exec(db, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;" + schema, nil, nil, nil)
    }
    func exec(_ sql: String) { precondition(sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK, String(cString: sqlite3_errmsg(db))) }
    func stmt(_ sql: String) -> OpaquePointer {
        if let s = cache[sql] { sqlite3_reset(s); sqlite3_clear_bindings(s); return s }
        var s: OpaquePointer?
        precondition(sqlite3_prepare_v2(db, sql, -1, &s, nil) == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
        cache[sql] = s!
        return s!
    }
    func text(_ s: OpaquePointer, _ i: Int32, _ v: String) { sqlite3_bind_text(s, i, v, -1, vigil_sqlite_transient()) }
}

func rawIngest(_ path: String) -> Double {
    let r = Raw(path)
    r.exec("INSERT INTO groups (name) VALUES ('g'); INSERT INTO streams (group_id, name, last) VALUES (1, 's', 0)")
    return seconds {
        for b in 0..<batches {
            r.exec("BEGIN IMMEDIATE")
            var s = r.stmt("SELECT id FROM groups WHERE name = ?"); r.text(s, 1, "g"); _ = sqlite3_step(s)
            let gid = sqlite3_column_int64(s, 0)
            s = r.stmt("SELECT id FROM streams WHERE group_id = ? AND name = ?"); sqlite3_bind_int64(s, 1, gid); r.text(s, 2, "s"); _ = sqlite3_step(s)
            let sid = sqlite3_column_int64(s, 0)
            s = r.stmt("INSERT INTO blocks (group_id, stream_id, first_ts, last_ts, n, data) VALUES (?, ?, ?, ?, ?, ?)")
            sqlite3_bind_int64(s, 1, gid); sqlite3_bind_int64(s, 2, sid); sqlite3_bind_int64(s, 3, Int64(b) * 1000)
            sqlite3_bind_int64(s, 4, Int64(b) * 1000 + 999); sqlite3_bind_int64(s, 5, 1000)
            blob.withUnsafeBytes { _ = sqlite3_bind_blob(s, 6, $0.baseAddress, Int32($0.count), vigil_sqlite_transient()) }
            precondition(sqlite3_step(s) == SQLITE_DONE)
            s = r.stmt("UPDATE streams SET last = max(last, ?), bytes = bytes + ? WHERE id = ?")
            sqlite3_bind_int64(s, 1, Int64(b)); sqlite3_bind_int64(s, 2, 500_000); sqlite3_bind_int64(s, 3, sid); _ = sqlite3_step(s)
            for m in 0..<30 {
                s = r.stmt("SELECT id FROM metrics WHERE namespace = ? AND name = ? AND dimensions = ? AND unit = ?")
                r.text(s, 1, "Bench"); r.text(s, 2, "m\(m)"); r.text(s, 3, ""); r.text(s, 4, "None")
                var id: Int64
                if sqlite3_step(s) == SQLITE_ROW { id = sqlite3_column_int64(s, 0) } else {
                    let i = r.stmt("INSERT INTO metrics (namespace, name, dimensions, unit) VALUES (?, ?, ?, ?)")
                    r.text(i, 1, "Bench"); r.text(i, 2, "m\(m)"); r.text(i, 3, ""); r.text(i, 4, "None"); _ = sqlite3_step(i)
                    id = sqlite3_last_insert_rowid(r.db)
                }
                let f = r.stmt("SELECT sample_count, sum, minimum, maximum, distribution FROM metric_data WHERE metric_id = ? AND resolution = 60 AND start = ?")
                sqlite3_bind_int64(f, 1, id); sqlite3_bind_int64(f, 2, Int64(b / 4) * 60_000)
                var count = 1.0
                if sqlite3_step(f) == SQLITE_ROW { count += sqlite3_column_double(f, 0) }
                let w = r.stmt("INSERT OR REPLACE INTO metric_data VALUES (?, 60, ?, ?, ?, ?, ?, ?)")
                sqlite3_bind_int64(w, 1, id); sqlite3_bind_int64(w, 2, Int64(b / 4) * 60_000)
                sqlite3_bind_double(w, 3, count); sqlite3_bind_double(w, 4, count); sqlite3_bind_double(w, 5, 1); sqlite3_bind_double(w, 6, 1)
                distribution.withUnsafeBytes { _ = sqlite3_bind_blob(w, 7, $0.baseAddress, Int32($0.count), vigil_sqlite_transient()) }
                precondition(sqlite3_step(w) == SQLITE_DONE)
            }
            r.exec("COMMIT")
        }
    }
}

struct Aggregate { let id: Int64; let namespace, name, dimensions, unit: String; let start: Int64; let count, sum, minimum, maximum: Double; let distribution: [UInt8] }

func seedMetrics(_ exec: (String) throws -> Void) rethrows {
    var sql = "BEGIN;"
    for m in 0..<metricsCount { sql += "INSERT INTO metrics (namespace, name, dimensions, unit) VALUES ('Bench', 'm\(m)', '', 'None');" }
    sql += "WITH RECURSIVE k(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM k WHERE x < 29) INSERT INTO metric_data SELECT m.id, 60, 1000000 + k.x * 60000, 1, k.x, 0, k.x, zeroblob(96) FROM metrics m, k;"
    sql += "COMMIT;"
    try exec(sql)
}

let tickSQL = """
    SELECT k.id, k.namespace, k.name, k.dimensions, k.unit, m.start, m.sample_count, m.sum, m.minimum, m.maximum, m.distribution
    FROM metrics k CROSS JOIN metric_data m ON m.metric_id = k.id AND m.resolution IN (60, 300, 3600) AND m.start >= ? AND m.start < ?
    ORDER BY k.id, m.start
    """

func rawTick(_ path: String) -> Double {
    let r = Raw(path)
    seedMetrics(r.exec)
    var best = Double.infinity
    var total = 0
    for _ in 0..<5 {
        best = min(best, seconds {
            r.exec("BEGIN")
            let s = r.stmt(tickSQL)
            sqlite3_bind_int64(s, 1, 0); sqlite3_bind_int64(s, 2, .max)
            var out: [Aggregate] = []
            out.reserveCapacity(300_000)
            var lastID: Int64 = -1
            var names = ("", "", "", "")
            while sqlite3_step(s) == SQLITE_ROW {
                func text(_ i: Int32) -> String { String(cString: sqlite3_column_text(s, i)) }
                let id = sqlite3_column_int64(s, 0)
                if id != lastID { lastID = id; names = (text(1), text(2), text(3), text(4)) }
                let n = Int(sqlite3_column_bytes(s, 10))
                let p = sqlite3_column_blob(s, 10)
                let d = p.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: n)) } ?? []
                out.append(Aggregate(id: id, namespace: names.0, name: names.1, dimensions: names.2, unit: names.3,
                                     start: sqlite3_column_int64(s, 5), count: sqlite3_column_double(s, 6), sum: sqlite3_column_double(s, 7),
                                     minimum: sqlite3_column_double(s, 8), maximum: sqlite3_column_double(s, 9), distribution: d))
            }
            sqlite3_reset(s)
            r.exec("COMMIT")
            total = out.count
        })
    }
    precondition(total == metricsCount * 30)
    return best
}

// MARK: GRDB

func grdbConfiguration() -> Configuration {
    var config = Configuration()
    config.prepareDatabase { db in
        try db.execute(sql: "PRAGMA synchronous=FULL")
        if try Int.fetchOne(db, sql: "PRAGMA page_count") == 0 { try db.execute(sql: "PRAGMA page_size=16384; VACUUM") }
    }
    return config
}

func grdbIngest(_ path: String) throws -> Double {
    let pool = try DatabasePool(path: path, configuration: grdbConfiguration())
    try pool.write { db in
        try db.execute(sql: schema)
        try db.execute(sql: "INSERT INTO groups (name) VALUES ('g'); INSERT INTO streams (group_id, name, last) VALUES (1, 's', 0)")
    }
    let data = Data(blob)
    let dist = Data(distribution)
    return try seconds {
        for b in 0..<batches {
            try pool.write { db in
                let gid = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM groups WHERE name = ?"), arguments: ["g"])!
                let sid = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM streams WHERE group_id = ? AND name = ?"), arguments: [gid, "s"])!
                try db.cachedStatement(sql: "INSERT INTO blocks (group_id, stream_id, first_ts, last_ts, n, data) VALUES (?, ?, ?, ?, ?, ?)")
                    .execute(arguments: [gid, sid, Int64(b) * 1000, Int64(b) * 1000 + 999, 1000, data])
                try db.cachedStatement(sql: "UPDATE streams SET last = max(last, ?), bytes = bytes + ? WHERE id = ?")
                    .execute(arguments: [Int64(b), 500_000, sid])
                for m in 0..<30 {
                    var id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM metrics WHERE namespace = ? AND name = ? AND dimensions = ? AND unit = ?"),
                                                arguments: ["Bench", "m\(m)", "", "None"])
                    if id == nil {
                        try db.cachedStatement(sql: "INSERT INTO metrics (namespace, name, dimensions, unit) VALUES (?, ?, ?, ?)")
                            .execute(arguments: ["Bench", "m\(m)", "", "None"])
                        id = db.lastInsertedRowID
                    }
                    var count = 1.0
                    if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT sample_count, sum, minimum, maximum, distribution FROM metric_data WHERE metric_id = ? AND resolution = 60 AND start = ?"),
                                                  arguments: [id, Int64(b / 4) * 60_000]) {
                        count += row[0] as Double
                    }
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO metric_data VALUES (?, 60, ?, ?, ?, ?, ?, ?)")
                        .execute(arguments: [id, Int64(b / 4) * 60_000, count, count, 1.0, 1.0, dist])
                }
            }
        }
    }
}

func grdbTick(_ path: String) throws -> Double {
    let pool = try DatabasePool(path: path, configuration: grdbConfiguration())
    try pool.write { db in try db.execute(sql: schema) }
    try pool.writeWithoutTransaction { db in try seedMetrics { try db.execute(sql: $0) } }
    var best = Double.infinity
    var total = 0
    for _ in 0..<5 {
        best = try min(best, seconds {
            try pool.read { db in
                let cursor = try Row.fetchCursor(db.cachedStatement(sql: tickSQL), arguments: [0, Int64.max])
                var out: [Aggregate] = []
                out.reserveCapacity(300_000)
                var lastID: Int64 = -1
                var names = ("", "", "", "")
                while let row = try cursor.next() {
                    let d: Data = row[10]
                    let id: Int64 = row[0]
                    if id != lastID { lastID = id; names = (row[1], row[2], row[3], row[4]) }
                    out.append(Aggregate(id: id, namespace: names.0, name: names.1, dimensions: names.2, unit: names.3, start: row[5],
                                         count: row[6], sum: row[7], minimum: row[8], maximum: row[9], distribution: [UInt8](d)))
                }
                total = out.count
            }
        })
    }
    precondition(total == metricsCount * 30)
    let size = try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0 }
    precondition(size == 16384, "GRDB's database has pages of \(size)")
    return best
}

print("batches: \(batches) of 500 KB with 30 aggregate merges each; tick: \(metricsCount) metrics x 30 rows, best of 5")
for run in 0..<3 {
    let ri = rawIngest(paths("raw-i")); let gi = try grdbIngest(paths("grdb-i"))
    let rt = rawTick(paths("raw-t")); let gt = try grdbTick(paths("grdb-t"))
    print(String(format: "run %d  ingest raw %.3f s  grdb %.3f s  (%.2fx)   tick raw %.1f ms  grdb %.1f ms  (%.2fx)", run, ri, gi, gi / ri, rt * 1000, gt * 1000, gt / rt))
}
