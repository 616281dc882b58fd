import VigilWire

/// A byte stream read as AWS event-stream messages, all at once and in pieces.
///
/// Properties: never traps; the messages decoded re-encode to exactly the bytes they came from; reading
/// the stream in pieces of any size gives the same messages and stops at the same error.
enum EventStreamFuzz {
    static func run(_ bytes: [UInt8]) {
        let whole = decodeAll([bytes])
        var encoded: [UInt8] = []
        for message in whole.messages {
            guard let frame = try? message.encoded() else { preconditionFailure("a decoded message does not encode") }
            encoded += frame
        }
        precondition(encoded == Array(bytes.prefix(encoded.count)), "a message re-encodes to other bytes")
        let size = Int(bytes.first ?? 0) % 13 + 1
        let pieces = stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
        let split = decodeAll(pieces)
        precondition(split.messages == whole.messages, "pieces decode to other messages")
        precondition(split.error == whole.error, "pieces stop at another error")
    }

    static func decodeAll(_ pieces: [[UInt8]]) -> (messages: [EventStreamMessage], error: EventStreamError?) {
        var decoder = EventStreamDecoder()
        var messages: [EventStreamMessage] = []
        for piece in pieces {
            decoder.append(piece)
            do {
                while let message = try decoder.next() { messages.append(message) }
            } catch {
                return (messages, error)
            }
        }
        return (messages, nil)
    }
}
