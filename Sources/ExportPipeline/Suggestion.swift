/// "Did you mean" suggestions: the closest known name by edit distance, ignoring case, `_` and `-`.
enum Suggestion {
    /// The best candidate for `word`, when one is close enough to be a likely typo.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let w = squash(word)
        var best: (String, Int)?
        for candidate in candidates {
            let c = squash(candidate)
            // A prefix of at least 3 letters ("lowercase" → "lower") counts as close.
            let isPrefix = min(w.utf8.count, c.utf8.count) >= 3 && (w.hasPrefix(c) || c.hasPrefix(w))
            let d = c == w ? 0 : isPrefix ? 1 : distance(Array(w.utf8), Array(c.utf8))
            if d <= max(1, min(w.utf8.count, c.utf8.count) / 3), best == nil || d < best!.1 {
                best = (candidate, d)
            }
        }
        return best?.0
    }

    /// `did you mean 'x'?` or `nil`.
    static func hint(for word: String, in candidates: [String]) -> String? {
        closest(to: word, in: candidates).map { "did you mean '\($0)'?" }
    }

    private static func squash(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.filter { $0 != "_" && $0 != "-" })
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and adjacent
    /// transpositions ("titel" → "title" is 1) each cost 1.
    private static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
