import Foundation
import Synchronization
import Testing

@testable import VigilStore

/// Writes that wait for the writer commit together: each keeps its own result or error, a failed one
/// leaves nothing behind, and every write returns only once it is committed.
struct GroupCommitTests {
    struct Refused: Error, Equatable { let n: Int }

    /// The writes that have returned, in order.
    final class Acknowledged: Sendable {
        let list = Mutex<[Int]>([])
    }

    static func withDatabase(_ body: (SQLiteDatabase, String) async throws -> Void) async throws {
        let path = NSTemporaryDirectory() + "vigil-group-\(UUID().uuidString).db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let database = try SQLiteDatabase(path: path)
        try await database.write { db in try db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, seen INTEGER)") }
        try await body(database, path)
    }

    static func rows(_ path: String) async throws -> [Int64: Int64] {
        // Another connection: it sees only what was committed.
        let other = try SQLiteDatabase(path: path, readers: 1)
        let pairs = try await other.read { db -> [(Int64, Int64)] in
            let s = try db.statement("SELECT n, seen FROM t")
            var out: [(Int64, Int64)] = []
            while try s.step() { out.append((s.int64(0), s.int64(1))) }
            return out
        }
        return Dictionary(uniqueKeysWithValues: pairs)
    }

    @Test(
        "200 concurrent writes, every seventh refused: the others are committed with their results, the refused leave nothing"
    )
    func concurrentWrites() async throws {
        try await Self.withDatabase { database, path in
            let outcomes = await withTaskGroup(of: (Int, Result<Int64, Refused>).self) { group in
                for n in 0..<200 {
                    group.addTask {
                        do {
                            let value = try await database.write { db -> Int64 in
                                // Each write sees every write before it in the same transaction.
                                let count = try db.statement("SELECT count(*) FROM t")
                                _ = try count.step()
                                let before = count.int64(0)
                                count.reset()
                                try db.statement("INSERT INTO t (n, seen) VALUES (?, ?)")
                                    .bind(.integer(Int64(n)), .integer(before)).run()
                                if n % 7 == 0 { throw Refused(n: n) }
                                return Int64(n) * 10
                            }
                            return (n, .success(value))
                        } catch let error as Refused {
                            return (n, .failure(error))
                        } catch {
                            Issue.record("unexpected \(error)")
                            return (n, .failure(Refused(n: -1)))
                        }
                    }
                }
                var all: [Int: Result<Int64, Refused>] = [:]
                for await (n, outcome) in group { all[n] = outcome }
                return all
            }
            let stored = try await Self.rows(path)
            for n in 0..<200 {
                if n % 7 == 0 {
                    #expect(outcomes[n] == .failure(Refused(n: n)))
                    #expect(stored[Int64(n)] == nil, "a refused write left its row")
                } else {
                    #expect(outcomes[n] == .success(Int64(n) * 10))
                    #expect(stored[Int64(n)] != nil, "an acknowledged write is missing")
                }
            }
            #expect(stored.count == 200 - 29)
            // The counts each write saw are distinct: no two writes saw the same committed state twice.
            #expect(Set(stored.values).count == stored.count)
        }
    }

    @Test(
        "writes that wait for the writer share one transaction: none is visible or acknowledged before all are committed"
    )
    func oneTransaction() async throws {
        try await Self.withDatabase { database, path in
            let holdWriter = DispatchSemaphore(value: 0)
            let holdSecond = DispatchSemaphore(value: 0)
            let acknowledged = Acknowledged()
            let holder = Task { try await database.write { _ in holdWriter.wait() } }
            try await Task.sleep(for: .milliseconds(100))
            let writes = (1...3).map { n in
                Task {
                    try await database.write { db in
                        try db.execute("INSERT INTO t VALUES (\(n), 0)")
                        if n == 2 { holdSecond.wait() }
                    }
                    acknowledged.list.withLock { $0.append(n) }
                }
            }
            try await Task.sleep(for: .milliseconds(100))
            holdWriter.signal()
            try await holder.value
            try await Task.sleep(for: .milliseconds(100))
            // The first write has run, but it is neither committed nor acknowledged while the second runs.
            #expect(try await Self.rows(path).isEmpty)
            #expect(acknowledged.list.withLock { $0 }.isEmpty)
            holdSecond.signal()
            for write in writes { try await write.value }
            #expect(try await Self.rows(path) == [1: 0, 2: 0, 3: 0])
        }
    }
}
