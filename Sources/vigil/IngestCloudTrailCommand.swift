import ArgumentParser
import Foundation
import VigilService

/// `vigil ingest cloudtrail`: CloudTrail log files (as delivered to S3) into a log group.
struct IngestCloudTrailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloudtrail",
        abstract:
            "Ingest CloudTrail log files (.json.gz or .json, or directories of them) as CloudTrail delivers events to CloudWatch Logs.",
        discussion: """
            Each record becomes one event in the stream ACCOUNT_CloudTrail_REGION, timestamped with its eventTime. \
            Records over 256 KB are skipped, as CloudTrail skips them; so are records without an eventTime, timed before 1970, or holding bytes that are not UTF-8 (each counted by reason; the rest of their file is ingested). A file already ingested into the group (by the SHA-256 of its content) is not ingested again.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("log-group"), help: "Log group for the events (created when missing).")
    var group: String = CloudTrailIngester.defaultGroup

    @Argument(help: "Log files, or directories searched recursively (e.g. an AWSLogs/ tree).")
    var paths: [String]

    func run() async throws {
        let service = try store.openService()
        let ingester = CloudTrailIngester(service: service, group: group)
        let tty = isatty(STDERR_FILENO) == 1
        let start = Date()
        try await AWSErrorExit.run("PutLogEvents") {
            let s = try await ingester.ingest(
                paths: paths,
                report: { problem in
                    FileHandle.standardError.write(Data("\(tty ? "\n" : "")vigil ingest cloudtrail: \(problem)\n".utf8))
                },
                progress: { s, _ in
                    guard tty else { return }
                    let seconds = max(Date().timeIntervalSince(start), 0.001)
                    let done = s.files + s.filesAlreadyIngested + s.filesFailed
                    FileHandle.standardError.write(
                        Data("\r\(done) files, \(s.events) events, \(Int(Double(s.events) / seconds)) events/s   ".utf8)
                    )
                })
            if tty { FileHandle.standardError.write(Data("\n".utf8)) }
            let skipped = [
                (s.oversizeSkipped, "over 256 KB"), (s.untimedSkipped, "without eventTime"),
                (s.beforeEpochSkipped, "before 1970"), (s.notUTF8Skipped, "not UTF-8"),
                (s.expiredSkipped, "older than the group's retention"),
            ].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
            print(
                "ingested \(s.events) events from \(s.files) file\(s.files == 1 ? "" : "s") into \(group) in \(String(format: "%.2f", Date().timeIntervalSince(start))) s;"
                    + " \(s.filesAlreadyIngested) files already ingested, \(s.filesFailed) failed;"
                    + (skipped.isEmpty ? " no records skipped" : " records skipped: " + skipped.joined(separator: ", "))
            )
            if s.filesFailed > 0 { throw ExitCode(1) }
        }
    }
}
