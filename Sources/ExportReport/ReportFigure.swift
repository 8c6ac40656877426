/// A number shown on a page, with the name a test or a script can find it by: the template
/// writes `<b data-figure="KEY" data-value="VALUE">TEXT</b>`.
struct ReportFigure: Sendable, Equatable {
    /// A stable name: `counts.kept`, `upload.accepted`, `reject.email_invalid`, …
    var key: String
    /// The exact value.
    var value: Int
    /// The value as people read it (`1,234,567`).
    var text: String
    /// What it is.
    var label: String

    init(key: String, value: Int, label: String) {
        self.key = key
        self.value = value
        self.text = Figures.count(value)
        self.label = label
    }
}
