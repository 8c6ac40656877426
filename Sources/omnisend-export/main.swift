import ExportCLI

await RootCommand.main()
