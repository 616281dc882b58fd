import Crypto
import Foundation
import SystemPackage

/// Which file a path names at one moment: its device and inode. A rotated file keeps both under its new
/// name; a file created anew at the path gets new ones (or, on ext4, may reuse a freed inode, which
/// ``FileFingerprint`` tells apart).
struct FileIdentity: Hashable, Sendable, CustomStringConvertible {
    let device: UInt64
    let inode: UInt64

    init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    init(_ status: Stat) {
        device = UInt64(truncatingIfNeeded: status.deviceID.rawValue)
        inode = UInt64(truncatingIfNeeded: status.inode.rawValue)
    }

    /// `DEVICE:INODE`, as ``description`` writes it.
    init?(text: some StringProtocol) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return nil }
        self.init(device: device, inode: inode)
    }

    var description: String { "\(device):\(inode)" }
}

/// The SHA-256 of a file's first bytes (up to ``maximumLength``): what tells a file from another that
/// took its inode after it was deleted, and finds a rotated file again once it has been compressed.
struct FileFingerprint: Equatable, Sendable {
    static let maximumLength = 1024

    let length: Int
    let digest: String

    init(_ prefix: some Sequence<UInt8>) {
        let bytes = Array(prefix.prefix(Self.maximumLength))
        length = bytes.count
        digest = SHA256.hash(data: bytes).map { Self.hex($0) }.joined()
    }

    init(length: Int, digest: String) {
        self.length = length
        self.digest = digest
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
    }
}

/// What a file's progress row records beside its offset: the fingerprint of the bytes read so far,
/// how many lines they hold (so that line numbers count from the file's start on every run), and the
/// path it was read at, for people.
struct FileProgress: Equatable, Sendable {
    var fingerprint: FileFingerprint
    var lines: Int
    var path: String

    /// `fp=LENGTH:SHA256;lines=N;path=PATH` (the path last: it may hold any character).
    var text: String { "fp=\(fingerprint.length):\(fingerprint.digest);lines=\(lines);path=\(path)" }

    init(fingerprint: FileFingerprint, lines: Int, path: String) {
        self.fingerprint = fingerprint
        self.lines = lines
        self.path = path
    }

    init?(text: String) {
        guard text.hasPrefix("fp="), let pathStart = text.range(of: ";path=") else { return nil }
        let head = text[text.index(text.startIndex, offsetBy: 3)..<pathStart.lowerBound].split(separator: ";")
        guard head.count == 2, head[1].hasPrefix("lines="), let lines = Int(head[1].dropFirst(6)), lines >= 0 else {
            return nil
        }
        let fp = head[0].split(separator: ":")
        guard fp.count == 2, let length = Int(fp[0]), (0...FileFingerprint.maximumLength).contains(length),
            fp[1].count == 64
        else { return nil }
        self.init(
            fingerprint: FileFingerprint(length: length, digest: String(fp[1])), lines: lines,
            path: String(text[pathStart.upperBound...]))
    }
}
