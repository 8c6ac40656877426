import ExportCLI

await RootCommand.runAsMain()
