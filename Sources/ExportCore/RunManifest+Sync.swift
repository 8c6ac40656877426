extension RunManifest {
    /// What a run folder prepared with `sync:` was diffed against, and how its upload records
    /// what Omnisend accepted (the `sync` object of `manifest.json`; absent without `sync:`).
    public struct Sync: Sendable, Codable, Equatable {
        /// `incremental` or `full` (what this run did, after `--full` / `full_every`).
        public var mode: SyncSettings.Mode
        /// The destination state file (absolute path) the upload records into.
        public var state: String
        /// The state's key: the destination name (or host) and the pipeline name.
        public var stateKey: String
        /// The state version the diff read; an upload refuses the folder once another run has
        /// advanced the state past it.
        public var stateVersion: Int
        /// Item fields left out of the payload hash (values that change every run), as paths:
        /// `customProperties.importedOn`, `emailStatusDate`, `tags:prefix`.
        public var volatileFields: [String]
        /// Contacts whose payload equals the one last accepted (not sent; `unchanged.ndjson`).
        public var unchanged: Int
        /// Contacts of the state that no row named, and the chunks' items for them (0 with `leavers: none`).
        public var leavers: Int
        /// The leaver action (`none`, `tag`, `unsubscribe`).
        public var leaverAction: SyncSettings.LeaverAction

        /// Creates the record.
        public init(
            mode: SyncSettings.Mode, state: String, stateKey: String, stateVersion: Int, volatileFields: [String],
            unchanged: Int, leavers: Int, leaverAction: SyncSettings.LeaverAction
        ) {
            self.mode = mode
            self.state = state
            self.stateKey = stateKey
            self.stateVersion = stateVersion
            self.volatileFields = volatileFields
            self.unchanged = unchanged
            self.leavers = leavers
            self.leaverAction = leaverAction
        }
    }

    /// The contacts in the chunk files (kept minus unchanged, plus leavers): what the upload sends.
    public var contactsInChunks: Int { chunks.reduce(0) { $0 + $1.contacts } }
}
