import Testing

@testable import ExportReport

@Suite struct ChartsTests {
    @Test func stackedBarSplitsInProportionAndDropsEmptyParts() {
        let bar = StackedBar(parts: [("sent", 750, "a"), ("rejected", 0, "b"), ("duplicates", 250, "c")])
        #expect(bar.segments.map(\.label) == ["sent", "duplicates"])
        #expect(bar.segments.map(\.x) == ["0", "750"])
        #expect(bar.segments.map(\.width) == ["750", "250"])
        #expect(bar.segments.map(\.colour) == ["a", "c"])
    }

    @Test func aTinyPartStaysVisible() {
        let bar = StackedBar(parts: [("sent", 1_000_000, "a"), ("rejected", 1, "b")])
        #expect(bar.segments[1].width == "1")
        #expect(bar.segments[1].x == "1000")
    }

    @Test func anEmptyRunHasNoSegments() {
        #expect(StackedBar(parts: [("sent", 0, "a")]).segments.isEmpty)
    }

    @Test func columnsScaleToThePeakOrTheLimitWhicheverIsHigher() {
        let chart = ColumnChart(values: [("a", 100), ("b", 50)], limit: 200, marks: [["m-429"], []])
        #expect(chart.maximum == 200)
        // 180 units of plot under the 20 kept for marks: 100 of 200 is 90 high.
        #expect(chart.columns[0].height == "90")
        #expect(chart.columns[0].y == "110")
        #expect(chart.columns[1].height == "45")
        #expect(chart.limitY == "20")
        #expect(chart.columns[0].marks.count == 1 && chart.columns[1].marks.isEmpty)
        #expect(chart.columns[0].x == "50" && chart.columns[0].width == "400")
    }

    @Test func columnsWithoutLimitScaleToThePeak() {
        let chart = ColumnChart(values: [("a", 0), ("b", 7)])
        #expect(chart.limitY == nil)
        #expect(chart.columns[1].y == "20")
        #expect(chart.columns[0].height == "0")
    }

    @Test func trendLinesShareOneScaleAndSkipMissingValues() {
        let trend = TrendChart(series: [("rows", "r", [100, 200, 100]), ("failed", "f", [nil, 0, 50])])
        #expect(trend.maximum == 200)
        #expect(trend.lines[0].points == "10,100 500,10 990,100")
        #expect(trend.lines[1].dots.count == 2)
        #expect(trend.lines[1].points == "500,190 990,145")
    }

    @Test func oneRunIsCentred() {
        let trend = TrendChart(series: [("rows", "r", [5])])
        #expect(trend.lines[0].points == "500,10")
    }

    @Test func svgNumbersHaveOneDecimalAtMost() {
        #expect(SVGNumber.text(0) == "0")
        #expect(SVGNumber.text(12.345) == "12.3")
        #expect(SVGNumber.text(-0.25) == "-0.3" || SVGNumber.text(-0.25) == "-0.2")
        #expect(SVGNumber.text(.nan) == "0")
        #expect(SVGNumber.text(1e9) == "1000000000")
    }
}
