import VigilWire

/// A byte stream read as Server-Sent Events (what `vigil tail --endpoint-url` reads from a server), all
/// at once and in pieces.
///
/// Properties: never traps; pieces of any size give the same items and stop at the same error; an
/// event's data holds no more bytes than the stream.
enum ServerSentEventsFuzz {
    static func run(_ bytes: [UInt8]) {
        let whole = parse([bytes[...]])
        let size = Int(bytes.first ?? 0) % 7 + 1
        let pieces = stride(from: 0, to: bytes.count, by: size).map { bytes[$0..<min($0 + size, bytes.count)] }
        let split = parse(pieces)
        precondition(split.items == whole.items, "pieces give other items")
        precondition(split.error == whole.error, "pieces stop at another error")
        for case .event(let event) in whole.items {
            precondition(event.data.count <= bytes.count, "an event holds more data than the stream")
        }
    }

    static func parse(_ pieces: [ArraySlice<UInt8>]) -> (items: [ServerSentEventItem], error: ServerSentEventError?) {
        var parser = ServerSentEventParser(maximumLineLength: 4_096)
        var items: [ServerSentEventItem] = []
        for piece in pieces {
            do { items += try parser.append(piece) } catch { return (items, error) }
        }
        return (items, nil)
    }
}
