import ExportCore
import Testing
@testable import ExportPipeline

@Suite struct MappingPlanSampleTests {
    @Test func reportsMissedMapValuesAndTypesThatCannotHold() throws {
        let plan = try MappingLoader.parse(text: """
            email: E
            status: { column: S, transforms: [lower, { map: { yes: subscribed, no: nonSubscribed } }] }
            gender: G
            custom_properties:
              points: { column: P, type: integer }
              spend: { column: M, type: number }
              note: N
            """, file: "m.yaml")
        let header = Header(["E", "S", "G", "P", "M", "N"])
        let rows = [["a@b.co", "Yes", "F", "1", "", ""], ["b@b.co", "maybe", "x", "1.5", "", ""], ["c@b.co", "no", "m", "2", " ", ""]]
            .enumerated().map { Record(header: header, values: $1.map(FieldValue.string), origin: RecordOrigin(file: "in.csv", line: $0 + 2, index: $0)) }
        #expect(plan.checkSample(rows, file: "in.csv").map(\.description) == [
            "m.yaml:2:9: status gets 'maybe' in 1 of 3 sampled rows, which is not subscribed, unsubscribed or nonSubscribed\n    hint: add these values to the map, or give it a fallback; such rows are rejected (status_invalid)",
            "m.yaml:3:9: gender gets 'x' in 1 of 3 sampled rows, which is not m or f\n    hint: map them with { map: { …: m, …: f } }; unmapped values are left out",
            "m.yaml:5:11: custom property 'points' (integer): '1.5' in 1 of 3 sampled values cannot be read\n    hint: set decimal: \",\" for decimal commas, or use type: string",
            "m.yaml:6:10: custom property 'spend' (number) is empty in all 3 sampled rows\n    hint: check the column name, or drop the property",
        ])
    }
}
