/// Text in the command's tab-separated output.
enum CLIText {
    /// One cell of a tab-separated line: tabs, line breaks and other control characters in a
    /// value (a name, an office, a business key) are written as `\t`, `\n`, `\u{…}`, and a
    /// backslash as `\\`, so that one record stays one line with the same columns.
    static func cell(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}":
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
