import ExportCore

/// A concrete `ByteSource` around an existential one, so generic wrappers
/// (`GzipSource`, `PeekableSource`) can stack on layers chosen at run time.
public struct AnyByteSource: ByteSource {
    public var base: any ByteSource

    public init(_ base: any ByteSource) { self.base = base }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try base.read(into: buffer)
    }
}
