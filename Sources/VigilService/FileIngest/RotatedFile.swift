import Foundation
import SystemPackage

/// Finds a rotated log file among the siblings of the path it was read at: by device and inode while
/// it is only renamed (`app.log.1`, `app.log-20261201`); by the fingerprint of its first bytes when it
/// has a new inode, as a copy (logrotate's copytruncate) or once compressed (`app.log.2.gz`).
enum RotatedFile {
    /// The file `identity` (or, compressed, the one whose inflated first bytes match `fingerprint`)
    /// in the directory of `path`, with its name; nil when it is gone.
    static func find(_ identity: FileIdentity, fingerprint: FileFingerprint?, near path: String) -> (FileBytes, String)?
    {
        let directory = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        let siblings = names.filter { $0 != base }.sorted()
        for name in siblings {
            let full = directory + "/" + name
            guard let status = try? FilePath(full).stat(), status.type == .regular, FileIdentity(status) == identity,
                let fd = try? FileDescriptor.open(FilePath(full), .readOnly)
            else { continue }
            return (.file(fd), name)
        }
        // A copy (copytruncate) or a compressed file has a new inode: known by its first bytes.
        guard let fingerprint, fingerprint.length > 0 else { return nil }
        for name in siblings where name.hasPrefix(base) {
            let full = directory + "/" + name
            if name.hasSuffix(".gz") {
                guard let data = FileManager.default.contents(atPath: full) else { continue }
                let raw = [UInt8](data)
                guard Gzip.isGzip(raw), let inflated = try? Gzip.decompress(raw),
                    FileFingerprint(inflated.prefix(fingerprint.length)) == fingerprint
                else { continue }
                return (.memory(inflated), name)
            }
            guard let fd = try? FileDescriptor.open(FilePath(full), .readOnly) else { continue }
            let file = FileBytes.file(fd)
            if let prefix = try? file.prefix(fingerprint.length), FileFingerprint(prefix) == fingerprint {
                return (file, name)
            }
            file.close()
        }
        return nil
    }
}
