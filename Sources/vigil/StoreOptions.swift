import ArgumentParser
import Foundation
import VigilService
import VigilStore

/// `--data-dir`, shared by every command that opens the database.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: "Directory of the database (vigil.db); default $VIGIL_DATA_DIR or ./vigil-data.")
    var dataDirectory: String?

    var resolvedDirectory: String {
        dataDirectory ?? ProcessInfo.processInfo.environment["VIGIL_DATA_DIR"] ?? "vigil-data"
    }

    /// Opens (creating) the database and the logs service over it.
    func openService() throws -> LogsService {
        try FileManager.default.createDirectory(atPath: resolvedDirectory, withIntermediateDirectories: true)
        do {
            return LogsService(store: try SQLiteLogStore(path: resolvedDirectory + "/vigil.db"))
        } catch let error as StoreError {
            throw ValidationError("\(error)")
        }
    }
}
