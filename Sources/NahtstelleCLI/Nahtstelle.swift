import ArgumentParser

/// The `nahtstelle` command: every subcommand lives in its own `*Command.swift` file.
@main
struct Nahtstelle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nahtstelle",
        abstract: "Nahtstelle: OPTIMA-Fallführung über Amtsgrenzen hinweg (Workflows, Dokumente, Formulare).",
        subcommands: [
            // Each helper adds its command type here (one per line).
            TemplatesCommand.self,
            RenderCommand.self,
        ]
    )
}
