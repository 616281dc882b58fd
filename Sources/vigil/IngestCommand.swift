import ArgumentParser

/// `vigil ingest`: get events into log groups.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest log events into the store, applying the group's metric filters.",
        subcommands: [IngestFileCommand.self, IngestCloudTrailCommand.self]
    )
}
