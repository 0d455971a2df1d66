/// RFC 4180 output: a field is quoted when it holds a comma, a quote or a line break (quotes doubled).
public enum CSVFormat {
    public static func field(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
