import ArgumentParser
import Foundation
import GRDB
import NahtstelleCases
import NahtstelleStore

extension Nahtstelle {
    /// Runs the command; errors of the layers below that a command did not turn into a message
    /// of its own are put into words here, so that no SQL, no Foundation error dump and no Swift
    /// type name reaches the user.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: userFacing(error))
        }
    }

    static func userFacing(_ error: any Error) -> any Error {
        switch error {
        case let e as DatabaseError: CLIError(CLIEnvironment.databaseMessage(e, path: "Die Datenbank"))
        case let e as StoreError: CLIError(e.message)
        case let e as CaseServiceError: CLIError(e.description)
        case let e as CocoaError:
            CLIError("\((e.userInfo[NSFilePathErrorKey] as? String) ?? "Datei"): Datei oder Ordner nicht lesbar oder nicht beschreibbar. "
                     + "Bitte Pfad und Berechtigungen prüfen.")
        default: error
        }
    }
}
