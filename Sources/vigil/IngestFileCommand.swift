import ArgumentParser
import Dispatch
import Foundation
import Synchronization
import VigilService
import VigilStore

/// `vigil ingest file`: the lines of files (or stdin) as events of one stream, resumable; `--follow` tails.
struct IngestFileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file",
        abstract:
            "Ingest each line of FILE (or '-' for standard input) as a log event; a rerun continues where the last stopped.",
        discussion: """
            Progress belongs to the file (device, inode and its first bytes) and to the group and stream: a file rotated while \
            no one read it is found among its siblings (app.log.1, app.log.1.gz) and finished before the new one. \
            With --follow, keeps reading lines as they are appended, like tail -F: a truncated file is read again from its start, \
            a rotated file is finished and the new one read from its start. Stops on SIGINT or SIGTERM after committing what it read. \
            While following, the retention sweep and the metric roll-up run every 10 minutes.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("log-group"), help: "Log group (created when missing).")
    var group: String

    @Option(name: .customLong("log-stream"), help: "Log stream (created when missing).")
    var stream: String

    @Flag(name: .customLong("follow"), help: "Keep tailing the file (one file, not standard input).")
    var follow = false

    @Argument(help: "Files to ingest, or '-' for standard input.")
    var paths: [String]

    func validate() throws {
        if follow && (paths.count != 1 || paths[0] == "-") {
            throw ValidationError("--follow takes exactly one file (not standard input).")
        }
    }

    func run() async throws {
        let service = try store.openService()
        let ingester = FileIngester(service: service, group: group, stream: stream)
        let tty = isatty(STDERR_FILENO) == 1
        var followOptions: FileIngester.Follow?
        let sources = follow ? StopSignals.install() : []
        if follow {
            let maintenance = Maintenance(service: service)
            followOptions = FileIngester.Follow(
                shouldStop: { StopSignals.stopRequested },
                idle: {
                    do {
                        if let s = try await maintenance.runIfDue(), s.expiredEvents > 0 || s.metrics != .init() {
                            FileHandle.standardError.write(
                                Data(
                                    "vigil maintenance: \(s.expiredEvents) expired events deleted, \(s.metrics.rolledUp) metric rows rolled up, \(s.metrics.deleted) deleted\n"
                                        .utf8))
                        }
                    } catch {
                        FileHandle.standardError.write(Data("vigil maintenance failed: \(error)\n".utf8))
                    }
                })
        }
        defer { for source in sources { source.cancel() } }
        try await AWSErrorExit.run("PutLogEvents") {
            try await ingester.prepare()
            for path in paths {
                let start = Date()
                let summary = try await ingester.ingest(
                    path: path, follow: followOptions,
                    report: { problem in
                        FileHandle.standardError.write(
                            Data("\(tty ? "\n" : "")vigil ingest: \(path): \(problem)\n".utf8))
                    },
                    progress: { s in
                        guard tty else { return }
                        let rate = Double(s.events) / max(Date().timeIntervalSince(start), 0.001)
                        FileHandle.standardError.write(
                            Data("\r\(path): \(s.events) events, \(Int(rate)) events/s   ".utf8))
                    })
                if tty { FileHandle.standardError.write(Data("\n".utf8)) }
                let seconds = Date().timeIntervalSince(start)
                print(
                    "ingested \(summary.events) events from \(path) into \(group)/\(stream) in \(summary.batches) batches"
                        + " (\(summary.skippedEmpty) empty and \(summary.skippedInvalid) invalid lines skipped"
                        + (follow ? "; \(summary.rotations) rotations, \(summary.truncations) truncations" : "")
                        + ") in \(String(format: "%.2f", seconds)) s")
            }
        }
    }
}
