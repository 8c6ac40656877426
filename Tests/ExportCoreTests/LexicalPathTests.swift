import ExportCore
import Testing

/// The one lexical path normaliser: what the pipeline loader resolved against the pipeline's
/// folder and what `check` showed (both former copies gave these).
struct LexicalPathTests {
    @Test(arguments: [
        ("pipelines/../samples/x.csv", "samples/x.csv"),
        ("./a//b/./c/", "a/b/c"),
        ("a/b/../../..", ".."),
        ("../../etc/passwd", "../../etc/passwd"),
        ("a/../../b", "../b"),
        ("/a/../../b", "/b"),
        ("/..", "/"),
        ("/", "/"),
        ("//x///y", "/x/y"),
        ("", "."),
        (".", "."),
        ("a/..", "."),
        ("x/*.ndjson.gz", "x/*.ndjson.gz"),
        ("/work/pipelines/../exports/${SEGMENT}.csv", "/work/exports/${SEGMENT}.csv"),
        ("a/.../b", "a/.../b"),
    ])
    func normalizes(path: String, expected: String) {
        #expect(LexicalPath.normalize(path) == expected)
    }

    @Test func normalisingTwiceChangesNothing() {
        for path in ["../a/./b/..", "/x/../../y/", "a//b/../c/.", "..", "./.."] {
            #expect(LexicalPath.normalize(LexicalPath.normalize(path)) == LexicalPath.normalize(path))
        }
    }
}
