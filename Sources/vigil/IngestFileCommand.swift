import ArgumentParser
import Foundation
import VigilService

/// `vigil ingest file`: the lines of files (or stdin) as events of one stream, resumable.
struct IngestFileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file",
        abstract: "Ingest each line of FILE (or '-' for standard input) as a log event; a rerun continues where the last stopped."
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("log-group"), help: "Log group (created when missing).")
    var group: String

    @Option(name: .customLong("log-stream"), help: "Log stream (created when missing).")
    var stream: String

    @Argument(help: "Files to ingest, or '-' for standard input.")
    var paths: [String]

    func run() throws {
        let service = try store.openService()
        let ingester = FileIngester(service: service, group: group, stream: stream)
        let tty = isatty(STDERR_FILENO) == 1
        try ServiceErrorExit.run("PutLogEvents") {
            try ingester.prepare()
            for path in paths {
                let start = Date()
                let summary = try ingester.ingest(path: path, report: { problem in
                    FileHandle.standardError.write(Data("vigil ingest: \(path): \(problem)\n".utf8))
                }, progress: { s in
                    guard tty else { return }
                    let rate = Double(s.events) / max(Date().timeIntervalSince(start), 0.001)
                    FileHandle.standardError.write(Data("\r\(path): \(s.events) events, \(Int(rate)) events/s   ".utf8))
                })
                if tty { FileHandle.standardError.write(Data("\n".utf8)) }
                let seconds = Date().timeIntervalSince(start)
                print("ingested \(summary.events) events from \(path) into \(group)/\(stream) in \(summary.batches) batches"
                      + " (\(summary.skippedEmpty) empty and \(summary.skippedInvalid) invalid lines skipped) in \(String(format: "%.2f", seconds)) s")
            }
        }
    }
}
