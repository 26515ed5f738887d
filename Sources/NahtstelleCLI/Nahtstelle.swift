import ArgumentParser

/// The `nahtstelle` command: every subcommand lives in its own `*Command.swift` file.
@main
struct Nahtstelle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nahtstelle",
        abstract: "Nahtstelle: OPTIMA-Fallführung über Amtsgrenzen hinweg (Workflows, Dokumente, Formulare).",
        subcommands: [
            ValidateCommand.self,
            SimulateCommand.self,
            DeployCommand.self,
            StartCommand.self,
            TasksCommand.self,
            CompleteCommand.self,
            CorrelateCommand.self,
            HistoryCommand.self,
            TimersCommand.self,
            TemplatesCommand.self,
            RenderCommand.self,
            ReportCommand.self,
            DemoCommand.self,
            CasesCommand.self,
            InboxCommand.self,
            ServeCommand.self,
            UsersCommand.self,
            CheckCommand.self,
            StoreCommand.self,
            BackupCommand.self,
        ]
    )
}
