import Foundation
import SystemPackage
import VigilAPI
import VigilMetrics
import VigilPatterns
import VigilStore

extension FileIngester {
    /// The state of one ingested file: the bytes it reads, where it stands in them, the lines not yet
    /// committed.
    struct Reader {
        let ingester: FileIngester
        /// The path as given ("-" for standard input).
        let path: String
        /// The absolute path; nil for standard input.
        let absolute: String?
        let report: (String) -> Void
        let progress: (Summary) -> Void
        /// This run, as the file's lease names it.
        let holder = LeaseHolder.current(tag: String(UUID().uuidString.prefix(8)))
        var leaseRenewed: Int64 = 0

        var bytes: FileBytes
        /// The file being read; nil for standard input.
        var identity: FileIdentity?
        /// The name of the file being read when it is not `path` (a rotated file), for reports.
        var otherName: String?
        var summary = Summary()
        var pending: [NewLogEvent] = []
        var pendingBytes = 0
        /// The offset just after the last complete line read.
        var consumed: Int64 = 0
        /// The offset of the next byte to read (`consumed` plus the partial line in `carry`).
        var position: Int64 = 0
        /// Lines up to `consumed`, counted from the file's start.
        var lineNumber = 0
        var fingerprint: FileFingerprint?
        var carry: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)

        init(
            ingester: FileIngester, path: String, report: @escaping (String) -> Void,
            progress: @escaping (Summary) -> Void
        ) async throws {
            self.ingester = ingester
            self.path = path
            self.report = report
            self.progress = progress
            guard path != "-" else {
                absolute = nil
                bytes = .stream(.standardInput)
                return
            }
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            self.absolute = absolute
            let (fd, identity) = try Self.open(absolute, as: path)
            bytes = .file(fd)
            do {
                try await takeLease()
                var replaced = false
                if let row = try await ingester.service.store.offset(source: ingester.pathSource(absolute)),
                    let previous = FileIdentity(text: row.identity)
                {
                    // Another file is here than the one last read (a new inode, or the same inode with other
                    // first bytes): the old one was rotated while no one read; finish it before the new one.
                    if previous == identity { replaced = try await !isStillTheFileRead(.file(fd), identity) }
                    if previous != identity || replaced { try await finishRotated(previous) }
                }
                try await begin(.file(fd), identity: identity, name: nil, fresh: replaced)
            } catch {
                try? fd.close()
                throw error
            }
        }

        /// Opens a regular file for reading, with its identity; errors name the path and the reason.
        static func open(_ absolute: String, as given: String) throws(CloudWatchLogsError) -> (
            FileDescriptor, FileIdentity
        ) {
            let fd: FileDescriptor
            do {
                fd = try FileDescriptor.open(FilePath(absolute), .readOnly)
            } catch {
                throw .invalidParameter("cannot open '\(given)' for reading: \(error)")
            }
            do {
                let status = try fd.stat()
                guard status.type == .regular else {
                    try? fd.close()
                    let what = status.type == .directory ? "a directory" : "not a regular file"
                    throw CloudWatchLogsError.invalidParameter(
                        "'\(given)' is \(what): give the path of a log file (or '-' for standard input)")
                }
                return (fd, FileIdentity(status))
            } catch let error as CloudWatchLogsError {
                throw error
            } catch {
                try? fd.close()
                throw .invalidParameter("cannot read '\(given)': \(error)")
            }
        }

        /// Takes (or renews) the lease that keeps a second process from ingesting this file into the
        /// same group and stream at the same time (which would store its lines twice).
        mutating func takeLease() async throws {
            guard let absolute else { return }
            let now = ingester.service.now()
            let lease = try await LeaseHolder.acquire(
                ingester.pathSource(absolute), holder: holder, now: now, until: now + FileIngester.leaseDuration,
                in: ingester.service.store)
            guard lease.holder == holder else {
                throw CloudWatchLogsError(
                    .operationAborted,
                    "'\(path)' is being ingested into \(ingester.group)/\(ingester.stream) by \(lease.holder); its lease lapses at "
                        + "\(UTCDateText.seconds(lease.expires)) unless renewed. One process reads a file into a stream at a time."
                )
            }
            leaseRenewed = now
        }

        /// Gives the lease up and closes the file.
        func close() async {
            bytes.close()
            if let absolute {
                try? await ingester.service.store.releaseLease(ingester.pathSource(absolute), holder: holder)
            }
        }

        /// Reads to the end, and on while following.
        mutating func run(follow: Follow?) async throws {
            try await readToEnd()
            if absolute == nil {
                // Standard input ended: its last line needs no newline.
                try await finishPartialLine()
                try await flush()
                return
            }
            try await flush()
            if let follow {
                while !follow.shouldStop() {
                    await follow.idle()
                    try? await Task.sleep(for: follow.pollInterval)
                    try await readToEnd()
                    try await checkRotationAndTruncation()
                    try await flush()
                    if ingester.service.now() - leaseRenewed >= FileIngester.leaseDuration / 4 { try await takeLease() }
                }
            }
            if !carry.isEmpty {
                summary.waitingBytes = carry.count
                report(
                    "line \(lineNumber + 1) has no newline yet (\(carry.count) bytes): waiting; a later run reads it once it ends"
                )
            }
        }

        /// Starts reading `bytes` (the file `identity`) where its progress row says it was left, when
        /// the file there is still the one read (its first bytes unchanged), else from its start.
        /// Whether `bytes` are still the file that the progress row of `identity` describes (not shorter,
        /// the same first bytes); true when there is no row.
        func isStillTheFileRead(_ bytes: FileBytes, _ identity: FileIdentity) async throws -> Bool {
            guard let row = try await ingester.service.store.offset(source: ingester.fileSource(identity)),
                let saved = FileProgress(text: row.identity)
            else { return true }
            return try row.offset <= (bytes.size() ?? 0)
                && FileFingerprint(bytes.prefix(saved.fingerprint.length)) == saved.fingerprint
        }

        /// `fresh` starts at 0 without looking at the row (a new file that took the inode of the one read).
        mutating func begin(_ bytes: FileBytes, identity: FileIdentity, name: String?, fresh: Bool = false)
            async throws
        {
            self.bytes = bytes
            self.identity = identity
            otherName = name
            consumed = 0
            lineNumber = 0
            fingerprint = nil
            carry.removeAll()
            let store = ingester.service.store
            if name == nil, let absolute {
                try await store.record(
                    IngestOffset(source: ingester.pathSource(absolute), identity: "\(identity)", offset: 0))
            }
            if fresh {
                // Read from the start.
            } else if let row = try await store.offset(source: ingester.fileSource(identity)),
                let saved = FileProgress(text: row.identity)
            {
                let size = try bytes.size() ?? 0
                if row.offset <= size, FileFingerprint(try bytes.prefix(saved.fingerprint.length)) == saved.fingerprint
                {
                    consumed = row.offset
                    lineNumber = saved.lines
                    fingerprint = saved.fingerprint
                } else {
                    report(
                        "\(name ?? path) is not the file last read with its device and inode (it is shorter, or its first bytes differ): reading it from its start"
                    )
                }
            } else if name == nil, let absolute, let row = try await store.offset(source: "file:" + absolute),
                row.identity == "\(identity)", row.offset <= (try bytes.size() ?? 0)
            {
                // Progress recorded before files were known by group, stream and fingerprint.
                consumed = row.offset
                lineNumber = try lines(before: row.offset)
            }
            position = consumed
        }

        /// How many newlines the first `offset` bytes hold.
        mutating func lines(before offset: Int64) throws -> Int {
            var count = 0
            var at: Int64 = 0
            while at < offset {
                let n = try bytes.read(at: at, into: &buffer)
                if n == 0 { break }
                let take = Int(min(Int64(n), offset - at))
                count += buffer[0..<take].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
                at += Int64(n)
            }
            return count
        }

        /// Finishes the file last read at the path, found among its siblings by its identity (or, once
        /// compressed, by the fingerprint of its first bytes), from where it was left.
        mutating func finishRotated(_ previous: FileIdentity) async throws {
            guard let absolute else { return }
            let store = ingester.service.store
            let saved = try await store.offset(source: ingester.fileSource(previous))
            let progress = saved.flatMap { FileProgress(text: $0.identity) }
            guard let (found, name) = RotatedFile.find(previous, fingerprint: progress?.fingerprint, near: absolute)
            else {
                report(
                    "the file read here before (device:inode \(previous)) was replaced and is not among its siblings (renamed elsewhere, rewritten or deleted); reading the new file from its start"
                )
                return
            }
            if let saved, let size = try found.size(), saved.offset >= size {
                found.close()
                return  // read to its end before
            }
            report("\(path) was rotated while no one read it: finishing \(name) before the new file")
            try await begin(found, identity: previous, name: name)
            try await readToEnd()
            try await finishPartialLine()
            try await flush()
            summary.rotations += 1
            found.close()
        }

        mutating func flush() async throws {
            if pending.isEmpty { return }
            var offset: IngestOffset?
            if let identity {
                let length = Int(min(consumed, Int64(FileFingerprint.maximumLength)))
                if fingerprint?.length != length { fingerprint = FileFingerprint(try bytes.prefix(length)) }
                let progress = FileProgress(
                    fingerprint: fingerprint ?? FileFingerprint([]), lines: lineNumber,
                    path: otherName.map { ((absolute ?? "") as NSString).deletingLastPathComponent + "/" + $0 }
                        ?? absolute ?? path)
                offset = IngestOffset(source: ingester.fileSource(identity), identity: progress.text, offset: consumed)
            }
            let result = try await ingester.service.putLogEvents(
                group: ingester.group, stream: ingester.stream, events: pending, offset: offset)
            for warning in result.warnings { report(warning) }
            summary.events += pending.count
            summary.batches += 1
            pending.removeAll(keepingCapacity: true)
            pendingBytes = 0
            progress(summary)
        }

        /// One line (without its `\n`): skipped with a report when it cannot be an event, else pending.
        /// `lineNumber` counts it once it is done, after any flush of the lines before it.
        mutating func line(_ bytes: ArraySlice<UInt8>) async throws {
            let number = lineNumber + 1
            let name = otherName.map { "\($0) line" } ?? "line"
            var content = bytes
            if content.last == 13 { content = content.dropLast() }
            if content.isEmpty {
                summary.skippedEmpty += 1
            } else if content.count > LogsLimits.maximumMessageBytes {
                summary.skippedInvalid += 1
                report(
                    "\(name) \(number): \(content.count) bytes is larger than a log event may be (\(LogsLimits.maximumMessageBytes) bytes); skipped"
                )
            } else if String(validating: content, as: UTF8.self) == nil {
                summary.skippedInvalid += 1
                report("\(name) \(number): not valid UTF-8; skipped")
            } else {
                if pending.count == LogsLimits.maximumBatchEvents
                    || pendingBytes + content.count + LogsLimits.perEventOverhead > LogsLimits.maximumBatchBytes
                {
                    try await flush()
                }
                pending.append(NewLogEvent(timestamp: ingester.service.now(), message: Array(content)))
                pendingBytes += content.count + LogsLimits.perEventOverhead
            }
            lineNumber = number
        }

        /// Reads and ingests every complete line up to the current end of the file.
        mutating func readToEnd() async throws {
            while true {
                let n = try bytes.read(at: position, into: &buffer)
                if n == 0 { return }
                position += Int64(n)
                summary.bytes += Int64(n)
                let scanFrom = carry.count
                carry.append(contentsOf: buffer[0..<n])
                var lineStart = 0
                var searchFrom = scanFrom
                while let newline = carry.withUnsafeBufferPointer({
                    ByteSearch.firstIndex(of: 10, in: $0, from: searchFrom)
                }) {
                    // A batch flushed inside line() ends before this line, so the offset advances after it.
                    try await line(carry[lineStart..<newline])
                    consumed += Int64(newline - lineStart + 1)
                    lineStart = newline + 1
                    searchFrom = lineStart
                }
                carry.removeFirst(lineStart)
            }
        }

        /// A last line without a newline, taken as it is (the file is finished with).
        mutating func finishPartialLine() async throws {
            guard !carry.isEmpty else { return }
            try await line(carry[...])
            consumed += Int64(carry.count)
            carry.removeAll()
        }

        /// Follows the path to a new file after rotation, or back to the start after truncation.
        mutating func checkRotationAndTruncation() async throws {
            guard let absolute, let identity else { return }
            // Moved away and not yet recreated: wait.
            guard let status = try? FilePath(absolute).stat() else { return }
            let current = FileIdentity(status)
            if current != identity {
                // Rotated: the old file is complete (what was written before the rename has been read).
                try await readToEnd()
                try await finishPartialLine()
                try await flush()
                guard let (fd, opened) = try? Self.open(absolute, as: path) else { return }
                bytes.close()
                summary.rotations += 1
                report("\(path) was rotated; reading the new file from its start")
                try await begin(.file(fd), identity: opened, name: nil)
                try await readToEnd()
            } else if let size = try bytes.size(), size < position {
                // Truncated in place (`> file`, copytruncate): read it again from its start.
                try await flush()
                carry.removeAll()
                consumed = 0
                position = 0
                lineNumber = 0
                fingerprint = nil
                summary.truncations += 1
                report("\(path) was truncated; reading it again from its start")
                try await readToEnd()
            }
        }
    }
}
