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

/// Prints AWS-shaped errors like the aws CLI does and exits 254, as it does for service errors.
enum ServiceErrorExit {
    static func run(_ command: String, _ body: () throws -> Void) throws {
        do { try body() } catch let error as ServiceError {
            FileHandle.standardError.write(
                Data(
                    "\nAn error occurred (\(error.code)) when calling the \(command) operation: \(error.message)\n".utf8
                ))
            throw ExitCode(254)
        }
    }

    static func printJSON(_ object: Any) {
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return }
        print(String(decoding: data, as: UTF8.self))
    }
}
