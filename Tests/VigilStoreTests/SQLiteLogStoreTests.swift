import Foundation
import Testing
import VigilMetrics
import VigilStore

/// The SQLite store keeps groups, streams, events and metrics, and refuses what it does not understand.
struct SQLiteLogStoreTests {
    func temporaryPath() -> String {
        NSTemporaryDirectory() + "vigil-store-\(UUID().uuidString).db"
    }

    @Test("a database written by a newer schema is refused with a clear message")
    func newerSchema() async throws {
        let path = temporaryPath()
        _ = try SQLiteLogStore(path: path)
        // Simulate a newer vigil by raising the recorded version.
        let raw = try SQLiteLogStore(path: path)
        try await raw.debugSetUserVersion(99)
        #expect {
            _ = try SQLiteLogStore(path: path)
        } throws: { error in
            "\(error)".contains("schema version 99") && "\(error)".contains("newer vigil")
        }
    }
}

/// Reads run on their own connection: they must see every committed write, however the previous read ended.
struct ReadConnectionTests {
    @Test(
        "on a database file, each read sees the writes committed before it, also after reads that stopped at their first row"
    )
    func readsSeeCommittedWrites() async throws {
        let path = NSTemporaryDirectory() + "vigil-reader-\(UUID().uuidString).db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try SQLiteLogStore(path: path)
        try await store.createLogGroup(name: "g", retentionInDays: 1, tags: [:], now: 1)
        for days in [3, 5, 7, 14] {
            // retention(group:) reads one row and stops: its statement must not keep an old snapshot.
            #expect(try await store.retention(group: "g") != days)
            try await store.setRetention(group: "g", days: days)
            #expect(try await store.retention(group: "g") == days)
            #expect(try await store.logGroup(name: "g")?.retentionInDays == days)
        }
        // A second store on the same file (another process, as the CLI is) sees them too.
        #expect(try await SQLiteLogStore(path: path).retention(group: "g") == 14)
    }
}
