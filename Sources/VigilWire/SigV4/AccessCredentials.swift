import Foundation

/// The keys `vigil serve --credentials FILE` accepts: the aws CLI's INI shape, one section per key, with
/// an optional list of the actions the key may call (IAM's `service:Action` names, `*` and `?` as
/// wildcards, case-insensitive). A key without `allowed_actions` may call everything.
///
/// ```ini
/// [ingest]
/// aws_access_key_id = AKIAVIGILINGEST00001
/// aws_secret_access_key = 9drTJvcXLB89EXAMPLEKEY
/// allowed_actions = logs:PutLogEvents, logs:CreateLogStream, logs:Describe*
/// ```
public struct AccessCredentials: Sendable, Equatable {
    /// One key: its section's name (the user name in ARNs and AccessDenied messages), id, secret and
    /// the actions it may call.
    public struct Key: Sendable, Equatable {
        public var name: String
        public var accessKeyID: String
        public var secret: String
        public var allowedActions: [String]

        public init(name: String, accessKeyID: String, secret: String, allowedActions: [String] = ["*"]) {
            self.name = name
            self.accessKeyID = accessKeyID
            self.secret = secret
            self.allowedActions = allowedActions
        }

        /// Whether the key may call `action` (`logs:PutLogEvents`).
        public func allows(_ action: String) -> Bool {
            allowedActions.contains {
                Self.matches(pattern: Array($0.lowercased().utf8), Array(action.lowercased().utf8))
            }
        }

        /// IAM's action wildcards: `*` any run of characters, `?` any one.
        static func matches(pattern: [UInt8], _ text: [UInt8]) -> Bool {
            var p = 0
            var t = 0
            var star: Int?
            var resume = 0
            while t < text.count {
                if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                    p += 1
                    t += 1
                } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                    star = p
                    resume = t
                    p += 1
                } else if let s = star {
                    p = s + 1
                    resume += 1
                    t = resume
                } else {
                    return false
                }
            }
            while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
            return p == pattern.count
        }
    }

    public let keys: [String: Key]

    public init(_ keys: [Key]) {
        self.keys = Dictionary(keys.map { ($0.accessKeyID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A file that cannot be used, with the line that says why.
    public struct FileError: Error, CustomStringConvertible, Equatable {
        public let description: String

        public init(description: String) { self.description = description }
    }

    /// Reads the INI text of a credentials file; `source` names it in errors.
    public init(parsing text: String, source: String) throws(FileError) {
        var keys: [Key] = []
        var section: (name: String, line: Int, values: [String: String])?
        var seen: [String: String] = [:]
        func close() throws(FileError) {
            guard let current = section else { return }
            let at = "\(source):\(current.line): [\(current.name)]"
            guard let id = current.values["aws_access_key_id"], !id.isEmpty else {
                throw FileError(description: "\(at) has no aws_access_key_id.")
            }
            guard let secret = current.values["aws_secret_access_key"], !secret.isEmpty else {
                throw FileError(description: "\(at) has no aws_secret_access_key.")
            }
            if let other = seen[id] {
                throw FileError(description: "\(at) has the access key id of [\(other)] again.")
            }
            seen[id] = current.name
            let actions =
                current.values["allowed_actions"].map {
                    $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                } ?? ["*"]
            for action in actions where action != "*" && !action.contains(":") {
                throw FileError(
                    description:
                        "\(at): allowed action '\(action)' is not of the form service:Action (logs:PutLogEvents, cloudwatch:*)."
                )
            }
            keys.append(Key(name: current.name, accessKeyID: id, secret: secret, allowedActions: actions))
        }
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw FileError(description: "\(source):\(offset + 1): a section header is [name], not '\(line)'.")
                }
                try close()
                section = (String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces), offset + 1, [:])
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw FileError(description: "\(source):\(offset + 1): expected name = value, not '\(line)'.")
            }
            guard section != nil else {
                throw FileError(description: "\(source):\(offset + 1): '\(line)' comes before any [section].")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            // What an aws CLI credentials or config file also holds is read past.
            if ["aws_session_token", "region", "output"].contains(name) { continue }
            guard ["aws_access_key_id", "aws_secret_access_key", "allowed_actions"].contains(name) else {
                throw FileError(
                    description:
                        "\(source):\(offset + 1): unknown setting '\(name)' (aws_access_key_id, aws_secret_access_key and allowed_actions are read)."
                )
            }
            section?.values[name] = value
        }
        try close()
        guard !keys.isEmpty else { throw FileError(description: "\(source) holds no credentials.") }
        self.init(keys)
    }

    /// Reads a credentials file.
    public init(contentsOf path: String) throws(FileError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(description: "\(path): cannot be read.")
        }
        guard let text = String(bytes: data, encoding: .utf8) else {
            throw FileError(description: "\(path): is not UTF-8 text.")
        }
        try self.init(parsing: text, source: path)
    }
}
