/// The geometry of the report's inline SVG charts: plain numbers for the template, no drawing
/// library. Every chart draws in a fixed `viewBox` and scales to the page's width.

/// A bar split into parts in proportion to their values (the accounting identity).
public struct StackedBar: Sendable, Equatable {
    /// One part of the bar.
    public struct Segment: Sendable, Equatable {
        public var label: String
        public var value: Int
        /// Where it starts and how wide it is, in viewBox units (0–1000).
        public var x: String
        public var width: String
        /// The CSS class that colours it.
        public var colour: String
    }

    /// The parts with a value above 0, in the given order.
    public var segments: [Segment]

    /// The viewBox width.
    public static let width = 1000.0

    /// Splits the bar in the order given; a part too small to see still gets one unit.
    /// `colour` is the CSS class of each part.
    public init(parts: [(label: String, value: Int, colour: String)]) {
        let shown = parts.enumerated().filter { $0.element.value > 0 }
        let total = shown.reduce(0) { $0 + $1.element.value }
        var x = 0.0
        segments = []
        for (_, part) in shown {
            let width = total == 0 ? 0 : Self.width * Double(part.value) / Double(total)
            segments.append(Segment(
                label: part.label, value: part.value, x: SVGNumber.text(x), width: SVGNumber.text(max(width, 1)),
                colour: part.colour))
            x += width
        }
    }
}

/// Columns over time (requests a minute, contacts accepted) with an optional limit line.
public struct ColumnChart: Sendable, Equatable {
    /// One column.
    public struct Column: Sendable, Equatable {
        public var label: String
        public var value: Int
        public var x: String
        public var y: String
        public var width: String
        public var height: String
        /// A marker above the column (429s or retries in that time), empty when none.
        public var marks: [Mark]
    }

    /// A small dot above a column.
    public struct Mark: Sendable, Equatable {
        public var cx: String
        public var cy: String
        public var colour: String
    }

    public var columns: [Column]
    /// The limit line's height, when there is a limit within the chart's scale.
    public var limitY: String?
    /// The largest value the scale shows.
    public var maximum: Int

    /// The viewBox: 1000 wide, 200 high, 20 at the top kept for marks.
    public static let width = 1000.0
    public static let height = 200.0
    static let top = 20.0

    /// Lays out `values` as columns; `limit` draws a line; `marks[i]` lists mark colours for column i.
    public init(values: [(label: String, value: Int)], limit: Int? = nil, marks: [[String]] = []) {
        let peak = max(values.map(\.value).max() ?? 0, limit ?? 0, 1)
        maximum = peak
        let slot = values.isEmpty ? Self.width : Self.width / Double(values.count)
        let plot = Self.height - Self.top
        columns = values.enumerated().map { index, entry in
            let height = plot * Double(entry.value) / Double(peak)
            let x = slot * Double(index) + slot * 0.1
            let columnMarks = (index < marks.count ? marks[index] : []).enumerated().map { offset, colour in
                Mark(cx: SVGNumber.text(x + slot * 0.4), cy: SVGNumber.text(Self.top - 6 - Double(offset) * 8), colour: colour)
            }
            return Column(
                label: entry.label, value: entry.value, x: SVGNumber.text(x), y: SVGNumber.text(Self.height - height),
                width: SVGNumber.text(max(slot * 0.8, 0.5)), height: SVGNumber.text(height), marks: columnMarks)
        }
        limitY = limit.map { SVGNumber.text(Self.height - plot * Double($0) / Double(peak)) }
    }
}

/// Lines across runs (rows, rejects, failures), each scaled to the common maximum.
public struct TrendChart: Sendable, Equatable {
    /// One line: its points as an SVG `points` list, and dots for each run.
    public struct Line: Sendable, Equatable {
        public var label: String
        public var colour: String
        public var points: String
        public var dots: [Dot]
    }

    /// A point of a line.
    public struct Dot: Sendable, Equatable {
        public var cx: String
        public var cy: String
        public var value: Int
    }

    public var lines: [Line]
    public var maximum: Int

    /// The viewBox: 1000 by 200, 10 of margin all round.
    public static let width = 1000.0
    public static let height = 200.0
    static let margin = 10.0

    /// Lines of `series` (label, colour class, one value per run, oldest first; `nil` where a run
    /// has no value).
    public init(series: [(label: String, colour: String, values: [Int?])]) {
        let peak = max(series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0, 1)
        maximum = peak
        let count = series.map(\.values.count).max() ?? 0
        let step = count > 1 ? (Self.width - 2 * Self.margin) / Double(count - 1) : 0
        lines = series.map { entry in
            let dots = entry.values.enumerated().compactMap { index, value -> Dot? in
                guard let value else { return nil }
                let x = count > 1 ? Self.margin + step * Double(index) : Self.width / 2
                let y = Self.height - Self.margin - (Self.height - 2 * Self.margin) * Double(value) / Double(peak)
                return Dot(cx: SVGNumber.text(x), cy: SVGNumber.text(y), value: value)
            }
            return Line(label: entry.label, colour: entry.colour, points: dots.map { "\($0.cx),\($0.cy)" }.joined(separator: " "), dots: dots)
        }
    }
}

/// Numbers for SVG attributes: at most one decimal, no exponent.
enum SVGNumber {
    static func text(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        guard tenths.isFinite else { return "0" }
        let whole = Int(tenths) / 10
        let fraction = abs(Int(tenths) % 10)
        return fraction == 0 ? "\(whole)" : "\(tenths < 0 && whole == 0 ? "-" : "")\(whole).\(fraction)"
    }
}
