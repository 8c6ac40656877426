import ExportContactRules

/// Offers with the `newest` field's raw text, parsed here with the mapping's date patterns
/// (`SortableDate`): the contact rules compare parsed dates only.
extension EmailDeduper {
    /// Pass 1 of `last` / `newest`: offers `row` as the holder of `email`. `date` is the raw text
    /// of the `newest` field (ignored for `last`, parsed with `SortableDate` for `newest`).
    public mutating func offer(_ email: String, row: Int, date: String?) {
        offer(key: EmailKey(email), row: row, date: date)
    }

    /// Pass 1 of `last` / `newest` for an address already hashed into `key`.
    public mutating func offer(key: EmailKey, row: Int, date: String?) {
        offer(key: key, row: row, sortableDate: date.flatMap(SortableDate.parse))
    }
}
