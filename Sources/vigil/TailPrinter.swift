import Foundation
import VigilAPI
import VigilMetrics
import VigilPatterns

/// Prints log events as `aws logs tail` (aws CLI v2) does, in its formats: `detailed` (the time with
/// microseconds and zone, the stream, the message), `short` (the time to the second and the message) and
/// `json` (as detailed, a message that is JSON pretty-printed on the lines after). The message's trailing
/// whitespace becomes one newline. Colour (the time green, the stream cyan) only when asked or on a
/// terminal.
struct TailPrinter {
    enum Format: String, CaseIterable {
        case detailed, short, json
    }

    let format: Format
    let colour: Bool

    static let green = "\u{1B}[32m"
    static let cyan = "\u{1B}[36m"
    static let reset = "\u{1B}[0m"

    /// The lines of one event.
    func text(timestamp: Int64, stream: String, message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        func painted(_ text: String, _ colourCode: String) {
            if colour { out += Array((colourCode + text + Self.reset).utf8) } else { out += Array(text.utf8) }
        }
        var end = message.count
        while end > 0, [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C].contains(message[end - 1]) { end -= 1 }
        let trimmed = message[..<end]
        switch format {
        case .short:
            painted(UTCDateText.dateAndTime(timestamp), Self.green)
            out.append(0x20)
            out += trimmed
        case .detailed, .json:
            painted(UTCDateText.python(timestamp, microseconds: format == .detailed), Self.green)
            out.append(0x20)
            painted(stream, Self.cyan)
            out.append(0x20)
            if format == .json, let value = try? JSONValue(parsing: Array(trimmed)) {
                out.append(0x0A)
                AWSCLIJSON.write(value, indent: 0, into: &out)
            } else {
                out += trimmed
            }
        }
        out.append(0x0A)
        return out
    }
}
