import Foundation
import Testing

/// Package.swift against the code: every dependency a target declares is imported by one of its
/// files, and every module of this package or of a package product that a file imports is
/// declared by its target. Reads the sources beside this file (`#filePath`), so it runs from any
/// checkout and skips, saying why, where the sources are not there.
struct PackageDependencyTests {
    /// Modules that ship with the toolchain or the system: importing them needs no declaration.
    static let toolchainModules: Set<String> = [
        "Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Dispatch", "Glibc", "Musl",
        "Darwin", "Android", "WinSDK", "ucrt", "Synchronization", "Testing", "XCTest", "RegexBuilder", "Observation",
        "Swift", "_Concurrency", "_StringProcessing", "os",
    ]

    /// The package folder: three levels above this file, when Package.swift is there.
    static let packageRoot: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        return FileManager.default.fileExists(atPath: root + "/Package.swift") ? root : nil
    }()

    @Test(.enabled(if: packageRoot != nil, "Package.swift and the sources are not beside this test file; nothing to check"))
    func everyTargetDeclaresExactlyTheModulesItImports() throws {
        let root = try #require(Self.packageRoot)
        let manifest = try String(contentsOfFile: root + "/Package.swift", encoding: .utf8)
        let targets = try ManifestTargets.parse(manifest)
        let names = Set(targets.map(\.name))
        #expect(names.contains("ExportCore") && names.contains("ExportCoreTests"), "the manifest reading found no targets: \(names.sorted())")
        var problems: [String] = []
        for target in targets where target.kind != "systemLibrary" {
            let imports = try Self.imports(under: root + "/" + target.path)
            if imports.isEmpty {
                problems.append("\(target.name): no Swift file with an import found in \(target.path)")
                continue
            }
            for dependency in target.dependencies where imports[dependency] == nil {
                problems.append("\(target.name) declares \(dependency), which none of its files imports")
            }
            for (module, file) in imports.sorted(by: { $0.key < $1.key })
            where !target.dependencies.contains(module) && !Self.toolchainModules.contains(module) {
                problems.append("\(target.name) imports \(module) (\(file)) without declaring it in Package.swift")
            }
        }
        if !problems.isEmpty {
            Issue.record(
                """
                Package.swift and the imports disagree:
                \(problems.joined(separator: "\n"))
                (A module that ships with Swift belongs in PackageDependencyTests.toolchainModules.)
                """)
        }
    }

    @Test func theManifestReaderFindsNamesPathsAndBothKindsOfDependency() throws {
        let manifest = """
            // .target(name: "Commented", dependencies: ["Nothing"]),
            targets: [
                .systemLibrary(name: "CLib", pkgConfig: "lib"),
                .target(
                    name: "A", dependencies: ["B", .product(name: "Crypto", package: "swift-crypto")],  // note ]
                    swiftSettings: strict),
                .target(name: "B", swiftSettings: strict),
                .target(name: "Support", dependencies: ["A"], path: "Tests/Support"),
                .testTarget(name: "ATests", dependencies: [.product(name: "NIOCore", package: "swift-nio"), "A"], exclude: ["Golden"]),
                .executableTarget(name: "tool", dependencies: [.target(name: "A")]),
            ]
            """
        let targets = try ManifestTargets.parse(manifest)
        #expect(targets.map(\.name) == ["CLib", "A", "B", "Support", "ATests", "tool"])
        #expect(targets.map(\.path) == ["Sources/CLib", "Sources/A", "Sources/B", "Tests/Support", "Tests/ATests", "Sources/tool"])
        #expect(targets.map(\.dependencies) == [[], ["B", "Crypto"], [], ["A"], ["NIOCore", "A"], ["A"]])
        #expect(targets.first?.kind == "systemLibrary")
    }

    @Test func importsAreReadFromCodeButNotFromStringsOrComments() throws {
        let imports = Self.imports(
            inSource: """
                // import Commented
                import Foundation
                @testable import ExportCore
                @preconcurrency import struct NIOCore.ByteBuffer
                #if canImport(Glibc)
                    import Glibc
                #endif
                let script = \"\"\"
                    import json, sys
                    \"\"\"
                /* import Blocked */
                func f() {}
                """)
        #expect(imports == ["Foundation", "ExportCore", "NIOCore", "Glibc"])
    }

    /// The modules imported by the Swift files under `folder` (recursively, skipping `Golden`),
    /// each with the first file that imports it.
    static func imports(under folder: String) throws -> [String: String] {
        var found: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return found }
        for case let relative as String in walker where relative.hasSuffix(".swift") && !relative.split(separator: "/").contains("Golden") {
            let source = try String(contentsOfFile: folder + "/" + relative, encoding: .utf8)
            for module in imports(inSource: source) where found[module] == nil { found[module] = relative }
        }
        return found
    }

    /// The modules `source` imports, in order: `import M`, `import kind M.Symbol`, with
    /// attributes; lines inside multi-line strings and comments do not count.
    static func imports(inSource source: String) -> [String] {
        var modules: [String] = []
        var inString = false
        var inComment = false
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let quotes = line.components(separatedBy: "\"\"\"").count - 1
            if inString {
                if quotes % 2 == 1 { inString = false }
                continue
            }
            if inComment {
                if line.contains("*/") { inComment = false }
                continue
            }
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })[...]
            if words.first?.hasPrefix("/*") == true, !line.contains("*/") { inComment = true }
            while let first = words.first, first.hasPrefix("@") { words = words.dropFirst() }
            if words.first == "import", words.count >= 2 {
                let kinds: Set<Substring> = ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias"]
                let path = words.count >= 3 && kinds.contains(words[words.startIndex + 1]) ? words[words.startIndex + 2] : words[words.startIndex + 1]
                if let module = path.split(separator: ".").first { modules.append(String(module)) }
            }
            if quotes % 2 == 1 { inString = true }
        }
        return modules
    }
}

/// The targets of a Package.swift, read from its text: kind, name, source folder and the
/// names of the targets and products it depends on.
struct ManifestTargets {
    struct Target: Equatable {
        var kind: String
        var name: String
        var path: String
        var dependencies: [String]
    }

    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ manifest: String) throws -> [Target] {
        let text = manifest.split(separator: "\n", omittingEmptySubsequences: false).map(withoutComment).joined(separator: "\n")
        var targets: [Target] = []
        var readUpTo = text.startIndex
        let pattern = /\.(target|executableTarget|testTarget|systemLibrary)\(/
        // A `.target(name:)` inside another target's dependencies is not a target.
        for match in text.matches(of: pattern) where match.range.lowerBound >= readUpTo {
            let kind = String(match.output.1)
            guard let arguments = balanced(text[...], from: text.index(before: match.range.upperBound), open: "(", close: ")") else {
                throw Unreadable(description: "unbalanced parentheses after .\(kind)(")
            }
            readUpTo = arguments.endIndex
            guard let name = arguments.firstMatch(of: /name:\s*"([^"]+)"/)?.output.1 else {
                throw Unreadable(description: "a .\(kind)( without a name")
            }
            let defaultFolder = kind == "testTarget" ? "Tests" : "Sources"
            let path = arguments.firstMatch(of: /path:\s*"([^"]+)"/).map { String($0.output.1) } ?? "\(defaultFolder)/\(name)"
            var dependencies: [String] = []
            if let list = arguments.firstMatch(of: /dependencies:\s*\[/),
                let body = balanced(arguments, from: arguments.index(before: list.range.upperBound), open: "[", close: "]")
            {
                for entry in body.matches(of: /\.(?:product|target|byName)\(\s*name:\s*"([^"]+)"[^)]*\)|"([^"]+)"/) {
                    if let named = entry.output.1 ?? entry.output.2 { dependencies.append(String(named)) }
                }
            }
            targets.append(Target(kind: kind, name: String(name), path: path, dependencies: dependencies))
        }
        return targets
    }

    /// `line` without a `//` comment (one outside quotes: URLs keep their `//`).
    private static func withoutComment(_ line: Substring) -> Substring {
        var quoted = false
        var previous: Character = " "
        for index in line.indices {
            let character = line[index]
            if character == "\"" { quoted.toggle() }
            if character == "/", previous == "/", !quoted { return line[..<line.index(before: index)] }
            previous = character
        }
        return line
    }

    /// The text between the bracket at `start` and its partner.
    private static func balanced(_ text: Substring, from start: String.Index, open: Character, close: Character) -> Substring? {
        var depth = 0
        var index = start
        while index < text.endIndex {
            if text[index] == open { depth += 1 }
            if text[index] == close {
                depth -= 1
                if depth == 0 { return text[text.index(after: start)..<index] }
            }
            index = text.index(after: index)
        }
        return nil
    }
}
