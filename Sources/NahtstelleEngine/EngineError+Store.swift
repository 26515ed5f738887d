/// The conflicts a store reports when an optimistic version check fails: the same words
/// whichever store (SQLite, PostgreSQL) found them.
extension EngineError {
    /// `updateInstance`: the stored version is no longer the one the command read.
    public static func instanceChangedConcurrently(_ id: Int64) -> EngineError {
        EngineError(.conflict, "Die Prozessinstanz \(id) wurde gleichzeitig geändert. Laden Sie neu und versuchen Sie es nochmals.")
    }

    /// `changeDefinition`: the instance moved on or ended since its migration's dry run.
    public static func instanceChangedOrEnded(_ id: Int64) -> EngineError {
        EngineError(.conflict, "Die Prozessinstanz \(id) wurde inzwischen geändert oder läuft nicht mehr.")
    }

    /// `updateTask`: the stored version is no longer the one the command read.
    public static func taskChangedConcurrently(_ id: Int64) -> EngineError {
        EngineError(.conflict, "Die Aufgabe \(id) wurde gleichzeitig geändert. Laden Sie neu und versuchen Sie es nochmals.")
    }

    /// A PostgreSQL store that had to run a command again too often because other commands
    /// changed the same rows at the same moment (serialization failures).
    public static func tooManyConcurrentChanges(attempts: Int) -> EngineError {
        EngineError(.conflict, "Andere Befehle haben dieselben Daten gleichzeitig geändert (\(attempts) Versuche). "
                    + "Laden Sie neu und versuchen Sie es nochmals.")
    }
}
