/// The version of omnisend-export, written into every manifest.
public enum ToolVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
